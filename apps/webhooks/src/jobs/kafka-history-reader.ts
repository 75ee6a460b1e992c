/**
 * Reads ranges of Kafka partitions back for a replay, touching no consumer group's positions:
 * kafkajs has no manual partition assignment, so it joins a throw-away group of its own (unique
 * per read) that never commits, seeks each partition to where the range resumes, pauses what it
 * has finished, and deletes the group on the way out. The `webhooks` group, and every other, sees
 * nothing of it.
 *
 * A range is [next, end) in offsets. Records outside it are dropped (a fetch that raced the seek,
 * new records past the end). A partition is finished when the position passes `end - 1`, counting
 * what Kafka skips without handing it over (transaction markers, aborted records): kafkajs reports
 * those only in its END_BATCH_PROCESS event, so the position moves there too.
 */
import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { EVENT_TYPE_PATTERN } from '@app/kafka';

export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  /** The first offset of the window. */
  readonly start: string;
  /** The next offset to read. */
  readonly next: string;
  /** The first offset past the window. */
  readonly end: string;
}

/**
 * A batch of one partition's records inside its range, and the position after them (which may
 * pass records Kafka skipped). 'stop' ends the whole read.
 */
export type HistoryHandler = (
  topic: string,
  partition: number,
  records: readonly KafkaMessage[],
  position: bigint,
) => Promise<'continue' | 'stop'>;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class KafkaHistoryReader {
  constructor(
    private readonly kafka: Kafka,
    /** Narrows the event-type topics (WEBHOOKS_TOPIC_PATTERN), like the fan-out's subscription. */
    private readonly topicPattern: RegExp | undefined,
  ) {}

  /**
   * Every partition of the event-type topics `takes` accepts, from the first record at or after
   * `since` to the first at or after `until` — or the end of the log now, whichever comes first.
   */
  async ranges(
    takes: (topic: string) => boolean,
    since: Date,
    until: Date | null,
  ): Promise<PartitionRange[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics())
        .filter((t) => EVENT_TYPE_PATTERN.test(t) && (this.topicPattern?.test(t) ?? true) && takes(t))
        .sort();
      const ranges: PartitionRange[] = [];
      for (const topic of topics) ranges.push(...(await this.topicRanges(admin, topic, since, until)));
      return ranges;
    } finally {
      await admin.disconnect();
    }
  }

  private async topicRanges(
    admin: Admin,
    topic: string,
    since: Date,
    until: Date | null,
  ): Promise<PartitionRange[]> {
    // The watermarks first: a record written after them is past every range (the job's start).
    const high = await admin.fetchTopicOffsets(topic);
    // kafkajs answers the high watermark of its own (later) read for "no record at or after".
    const starts = await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime());
    const ends = until === null ? [] : await admin.fetchTopicOffsetsByTimestamp(topic, until.getTime());
    return high
      .map((h) => {
        const cap = BigInt(h.high);
        const min = (offset: string | undefined) =>
          offset === undefined || BigInt(offset) > cap ? cap : BigInt(offset);
        const start = min(starts.find((s) => s.partition === h.partition)?.offset);
        const end = until === null ? cap : min(ends.find((e) => e.partition === h.partition)?.offset);
        const first = start < end ? start : end;
        return { topic, partition: h.partition, start: String(first), next: String(first), end: String(end) };
      })
      .sort((a, b) => a.partition - b.partition);
  }

  /** Reads every range from its `next` to its `end` (or until the handler says stop, or `signal`). */
  async read(
    jobId: string,
    ranges: readonly PartitionRange[],
    handle: HistoryHandler,
    signal: AbortSignal,
  ): Promise<void> {
    const open = ranges.filter((r) => BigInt(r.next) < BigInt(r.end));
    if (open.length === 0) return;
    const next = new Map(open.map((r) => [key(r.topic, r.partition), BigInt(r.next)]));
    const end = new Map(open.map((r) => [key(r.topic, r.partition), BigInt(r.end)]));
    const groupId = `herald-webhooks-replay.${jobId}.${randomBytes(4).toString('hex')}`;
    // No restart after a crash: a restarted consumer would start from the group's (absent)
    // commits, not from the seeks; the read fails and the job with it, its progress kept.
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    let stopped = false;
    let resolveDone: () => void = () => undefined;
    let rejectDone: (error: Error) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    const finish = (): void => {
      stopped = true;
      resolveDone();
    };
    const fail = (error: Error): void => {
      stopped = true;
      rejectDone(error);
    };
    const advance = (topic: string, partition: number, position: bigint): void => {
      const k = key(topic, partition);
      const last = end.get(k);
      if (last === undefined) return;
      next.set(k, position < last ? position : last);
      if (position >= last) {
        end.delete(k);
        consumer.pause([{ topic, partitions: [partition] }]);
        if (end.size === 0) finish();
      }
    };
    // Accepts a batch only when it starts inside what is left of the range (not one fetched before the seek).
    const inRange = (topic: string, partition: number, first: string | null): boolean => {
      const k = key(topic, partition);
      const from = next.get(k);
      const last = end.get(k);
      return (
        first !== null &&
        from !== undefined &&
        last !== undefined &&
        BigInt(first) >= from &&
        BigInt(first) < last
      );
    };
    const onAbort = (): void => finish();
    signal.addEventListener('abort', onAbort, { once: true });
    consumer.on(consumer.events.CRASH, (event) => fail(event.payload.error));
    // Batches of skipped records only (markers, aborted): eachBatch is not called for them.
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      const { topic, partition, batchSize, firstOffset, lastOffset } = event.payload;
      if (!stopped && batchSize === 0 && inRange(topic, partition, firstOffset)) {
        advance(topic, partition, BigInt(lastOffset) + 1n);
      }
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...new Set(open.map((r) => r.topic))], fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat }) => {
          const { topic, partition } = batch;
          if (stopped || !inRange(topic, partition, batch.firstOffset())) return;
          const from = next.get(key(topic, partition))!;
          const last = end.get(key(topic, partition))!;
          const records = batch.messages.filter((m) => BigInt(m.offset) >= from && BigInt(m.offset) < last);
          const position = BigInt(batch.lastOffset()) + 1n;
          try {
            const verdict = await handle(topic, partition, records, position < last ? position : last);
            advance(topic, partition, position);
            if (verdict === 'stop') finish();
          } catch (error) {
            fail(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          await heartbeat();
        },
      });
      for (const r of open) consumer.seek({ topic: r.topic, partition: r.partition, offset: r.next });
      const finished = ranges.filter((r) => BigInt(r.next) >= BigInt(r.end));
      for (const r of finished) consumer.pause([{ topic: r.topic, partitions: [r.partition] }]);
      await done;
    } finally {
      signal.removeEventListener('abort', onAbort);
      await consumer.disconnect().catch(() => undefined);
      await this.deleteGroup(groupId);
    }
  }

  /** The throw-away group never committed; deleting it leaves nothing behind (best effort). */
  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch {
      // A group the broker has not forgotten yet expires with offsets.retention.minutes.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
