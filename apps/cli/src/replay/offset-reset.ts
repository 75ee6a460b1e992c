/**
 * The `herald replay --group <g> --to-time <time>` use case: moves a consumer group's committed
 * offsets back (or forward) to the first record at or after a point in time, so the group
 * re-reads from there. It refuses while the group has running members (their next commit would
 * overwrite the reset, and Kafka rejects it anyway), plans first — topic, partition, current
 * offset → new offset, how many records will be read again — and applies only the plan it showed.
 * Kafka is reached through a small port so the plan can be tested without a broker.
 */
import type { Admin } from 'kafkajs';
import { UsageError } from '../usage-error';
import { topicPartitions } from '../tail/topic-reader';

export interface GroupDescription {
  /** Kafka's group state: Empty, Dead, Stable, PreparingRebalance, CompletingRebalance… */
  readonly state: string;
  readonly members: number;
}

export interface PartitionOffset {
  readonly partition: number;
  readonly offset: string;
}

/** What the reset needs from Kafka's admin API. */
export interface OffsetResetPort {
  describeGroup(groupId: string): Promise<GroupDescription>;
  /** Every topic the group has a committed offset for (any partition). */
  committedTopics(groupId: string): Promise<string[]>;
  /** The group's committed offset per partition of `topic`; "-1" when it has none. */
  committedOffsets(groupId: string, topic: string): Promise<PartitionOffset[]>;
  /** The partitions of `topic`; a topic that does not exist is a UsageError. */
  partitions(topic: string): Promise<number[]>;
  /** The end (high watermark) of each partition. */
  endOffsets(topic: string): Promise<PartitionOffset[]>;
  /** The first offset at or after `ms` per partition; the end offset when there is none. */
  offsetsAtTime(topic: string, ms: number): Promise<PartitionOffset[]>;
  setOffsets(groupId: string, topic: string, partitions: readonly PartitionOffset[]): Promise<void>;
}

export interface OffsetResetRequest {
  readonly group: string;
  readonly at: Date;
  /** Default: the topics the group has committed offsets for. */
  readonly topics?: readonly string[];
}

export interface PartitionReset {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset now; null when the group has none for this partition. */
  readonly current: string | null;
  readonly target: string;
  /** No record at or after the time (a time in the future or past the last record): the end offset. */
  readonly toEnd: boolean;
  /** current − target: records read again (negative: records skipped); null without a committed offset. */
  readonly reread: number | null;
}

export interface OffsetResetPlan {
  readonly group: string;
  readonly at: Date;
  readonly topics: readonly string[];
  readonly partitions: readonly PartitionReset[];
}

/** The group has running members: exit 1, nothing changed. */
export class GroupActiveError extends Error {
  override name = 'GroupActiveError';

  constructor(
    readonly group: string,
    readonly description: GroupDescription,
  ) {
    super(
      `consumer group "${group}" is active (state ${description.state}, ${description.members} member(s)): ` +
        'stop its consumers, then run the reset again. Nothing was changed.',
    );
  }
}

const INACTIVE_STATES = new Set(['Empty', 'Dead']);

export async function assertGroupInactive(port: OffsetResetPort, group: string): Promise<void> {
  const description = await port.describeGroup(group);
  if (!INACTIVE_STATES.has(description.state)) throw new GroupActiveError(group, description);
}

export async function planOffsetReset(
  port: OffsetResetPort,
  request: OffsetResetRequest,
): Promise<OffsetResetPlan> {
  await assertGroupInactive(port, request.group);
  const topics = request.topics?.length
    ? [...new Set(request.topics)]
    : await port.committedTopics(request.group);
  if (topics.length === 0) {
    throw new UsageError(
      `consumer group "${request.group}" has no committed offsets: name the topics to reset with --topic <topic>`,
    );
  }
  const partitions: PartitionReset[] = [];
  for (const topic of [...topics].sort()) {
    const ids = await port.partitions(topic);
    const [ends, atTime, committed] = await Promise.all([
      port.endOffsets(topic),
      port.offsetsAtTime(topic, request.at.getTime()),
      port.committedOffsets(request.group, topic),
    ]);
    for (const partition of ids) {
      const end = ends.find((e) => e.partition === partition)?.offset ?? '0';
      const found = atTime.find((e) => e.partition === partition)?.offset;
      const target = found === undefined || BigInt(found) < 0n || BigInt(found) > BigInt(end) ? end : found;
      const commit = committed.find((c) => c.partition === partition)?.offset;
      const current = commit === undefined || BigInt(commit) < 0n ? null : commit;
      partitions.push({
        topic,
        partition,
        current,
        target,
        toEnd: target === end,
        reread: current === null ? null : Number(BigInt(current) - BigInt(target)),
      });
    }
  }
  return { group: request.group, at: request.at, topics, partitions };
}

/** Applies a plan; checks again that the group is inactive (consumers may have started meanwhile). */
export async function applyOffsetReset(port: OffsetResetPort, plan: OffsetResetPlan): Promise<void> {
  await assertGroupInactive(port, plan.group);
  for (const topic of plan.topics) {
    const partitions = plan.partitions
      .filter((p) => p.topic === topic)
      .map((p) => ({ partition: p.partition, offset: p.target }));
    if (partitions.length === 0) continue;
    await port.setOffsets(plan.group, topic, partitions).catch(async (error: Error) => {
      // A consumer joined between the check and the write: Kafka's own refusal.
      if (/no running instances/i.test(error.message)) {
        throw new GroupActiveError(plan.group, await port.describeGroup(plan.group));
      }
      throw error;
    });
  }
}

/** The records a plan makes the group read again (partitions without a commit, or moved forward, count 0). */
export function totalReread(plan: OffsetResetPlan): number {
  return plan.partitions.reduce((sum, p) => sum + Math.max(0, p.reread ?? 0), 0);
}

export function kafkaOffsetResetPort(admin: Admin): OffsetResetPort {
  return {
    async describeGroup(groupId) {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      return { state: group?.state ?? 'Dead', members: group?.members.length ?? 0 };
    },
    async committedTopics(groupId) {
      const topics = await admin.fetchOffsets({ groupId });
      return topics
        .filter((t) => t.partitions.some((p) => BigInt(p.offset) >= 0n))
        .map((t) => t.topic)
        .sort();
    },
    async committedOffsets(groupId, topic) {
      const [found] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return found?.partitions.map((p) => ({ partition: p.partition, offset: p.offset })) ?? [];
    },
    partitions: (topic) => topicPartitions(admin, topic),
    async endOffsets(topic) {
      const watermarks = await admin.fetchTopicOffsets(topic);
      return watermarks.map((w) => ({ partition: w.partition, offset: w.high }));
    },
    offsetsAtTime: (topic, ms) => admin.fetchTopicOffsetsByTimestamp(topic, ms),
    setOffsets: (groupId, topic, partitions) =>
      admin.setOffsets({ groupId, topic, partitions: partitions.map((p) => ({ ...p })) }),
  };
}
