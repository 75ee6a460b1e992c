/**
 * Reads a topic from chosen positions. By default without touching any committed consumer-group
 * position: it joins a throw-away group that never commits (kafkajs has no manual partition
 * assignment), seeks every partition to where the user asked, pauses the partitions not asked
 * for, and deletes the group on the way out. With a `group` it reads as that group instead:
 * from the group's committed offsets (the requested start only where it has none), committing
 * each record after it was handled, so the next read as that group continues after it; a group
 * with running members is refused (tail would take partitions away from them). Records before a
 * seek target are dropped, so a fetch that raced the seek is never shown twice or out of range.
 */
import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { connectKafka, UsageError } from '../usage-error';

export type StartPosition =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'end' }
  | { readonly kind: 'time'; readonly at: Date }
  /** One record's coordinates (what `herald publish` prints): that partition, from that offset. */
  | { readonly kind: 'offset'; readonly partition: number; readonly offset: string };

export interface TopicReadOptions {
  readonly topic: string;
  readonly start: StartPosition;
  readonly partition?: number;
  /** Read as this consumer group, from its committed offsets, and commit what was handled. */
  readonly group?: string;
  /** Stop after this many records (all partitions together). */
  readonly limit?: number;
  /** Stops reading (Ctrl-C). */
  readonly signal: AbortSignal;
}

export type RecordHandler = (partition: number, record: KafkaMessage) => Promise<void>;

/** Every partition of `topic`; a topic that does not exist is a usage error. */
export async function topicPartitions(admin: Admin, topic: string): Promise<number[]> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch((error: Error) => {
    if (/does not host this topic-partition|unknown topic/i.test(error.message)) {
      throw new UsageError(`topic "${topic}" does not exist`);
    }
    throw error;
  });
  const partitions = metadata.topics[0]?.partitions.map((p) => p.partitionId) ?? [];
  if (partitions.length === 0) throw new UsageError(`topic "${topic}" does not exist`);
  return partitions.sort((a, b) => a - b);
}

async function startOffsets(
  admin: Admin,
  topic: string,
  start: StartPosition,
  group: string | undefined,
): Promise<Map<number, string>> {
  const watermarks = await admin.fetchTopicOffsets(topic);
  const offsets = new Map<number, string>();
  for (const w of watermarks) offsets.set(w.partition, start.kind === 'beginning' ? w.low : w.high);
  if (start.kind === 'time') {
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, start.at.getTime());
    for (const entry of byTime) {
      // -1: no record at or after that time; start at the end.
      if (entry.offset !== '-1') offsets.set(entry.partition, entry.offset);
    }
  }
  if (start.kind === 'offset') offsets.set(start.partition, retainedOffset(topic, start, watermarks));
  if (group !== undefined) {
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    for (const commit of committed?.partitions ?? []) {
      const w = watermarks.find((m) => m.partition === commit.partition);
      if (w === undefined || BigInt(commit.offset) < 0n) continue;
      // A committed offset that retention deleted (or past the end) is clamped into the log.
      const offset = BigInt(commit.offset);
      const clamped = offset < BigInt(w.low) ? w.low : offset > BigInt(w.high) ? w.high : commit.offset;
      offsets.set(commit.partition, clamped);
    }
  }
  return offsets;
}

/**
 * An explicit offset must be in the partition's log, or the next one to be written (the high
 * watermark): one that retention deleted, or that no record will have for a long time, is refused
 * rather than silently read from elsewhere or waited for.
 */
function retainedOffset(
  topic: string,
  start: Extract<StartPosition, { kind: 'offset' }>,
  watermarks: ReadonlyArray<{ partition: number; low: string; high: string }>,
): string {
  const w = watermarks.find((m) => m.partition === start.partition);
  const offset = BigInt(start.offset);
  if (w !== undefined && (offset < BigInt(w.low) || offset > BigInt(w.high))) {
    const range =
      BigInt(w.low) === BigInt(w.high) ? 'it is empty' : `it holds ${w.low} to ${BigInt(w.high) - 1n}`;
    throw new UsageError(
      `--offset ${start.offset}: partition ${start.partition} of "${topic}" has no such offset (${range}; the next record gets ${w.high})`,
    );
  }
  return start.offset;
}

/** Tail must not join a group whose consumers are running: it would take partitions from them. */
async function assertGroupIdle(admin: Admin, group: string): Promise<void> {
  const { groups } = await admin.describeGroups([group]);
  const described = groups[0];
  if (described !== undefined && !['Empty', 'Dead'].includes(described.state)) {
    throw new UsageError(
      `consumer group "${group}" is active (state ${described.state}, ${described.members.length} member(s)): ` +
        'tail --group would take partitions from its consumers; stop them, or tail without --group',
    );
  }
}

/** Reads until the limit, the signal, or a consumer crash; returns how many records were handled. */
export async function readTopic(
  kafka: Kafka,
  options: TopicReadOptions,
  handle: RecordHandler,
): Promise<number> {
  const admin = kafka.admin();
  await connectKafka(admin);
  const throwAway = options.group === undefined;
  const groupId = options.group ?? `herald-tail.${options.topic}.${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    const partitions = await topicPartitions(admin, options.topic);
    if (options.partition !== undefined && !partitions.includes(options.partition)) {
      throw new UsageError(
        `topic "${options.topic}" has no partition ${options.partition} (it has ${partitions.join(', ')})`,
      );
    }
    const wanted = options.partition === undefined ? partitions : [options.partition];
    if (options.group !== undefined) await assertGroupIdle(admin, options.group);
    const offsets = await startOffsets(admin, options.topic, options.start, options.group);
    return await consume(consumer, options, wanted, partitions, offsets, handle);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    // The throw-away group never committed; deleting it leaves nothing behind (best effort).
    if (throwAway) await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function consume(
  consumer: ReturnType<Kafka['consumer']>,
  options: TopicReadOptions,
  wanted: readonly number[],
  all: readonly number[],
  offsets: ReadonlyMap<number, string>,
  handle: RecordHandler,
): Promise<number> {
  const next = new Map<number, bigint>(wanted.map((p) => [p, BigInt(offsets.get(p) ?? '0')]));
  let handled = 0;
  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  if (options.limit === 0) return 0;
  options.signal.addEventListener('abort', () => finish(), { once: true });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) fail(event.payload.error);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const expected = next.get(partition);
      if (options.signal.aborted || expected === undefined || BigInt(message.offset) < expected) return;
      if (options.limit !== undefined && handled >= options.limit) return;
      next.set(partition, BigInt(message.offset) + 1n);
      handled += 1;
      await handle(partition, message);
      if (options.group !== undefined) {
        const offset = String(BigInt(message.offset) + 1n);
        await consumer.commitOffsets([{ topic: options.topic, partition, offset }]);
      }
      if (options.limit !== undefined && handled >= options.limit) finish();
    },
  });
  for (const partition of wanted) {
    consumer.seek({ topic: options.topic, partition, offset: offsets.get(partition) ?? '0' });
  }
  const others = all.filter((p) => !wanted.includes(p));
  if (others.length > 0) consumer.pause([{ topic: options.topic, partitions: others }]);
  if (options.signal.aborted) finish();
  await done;
  return handled;
}
