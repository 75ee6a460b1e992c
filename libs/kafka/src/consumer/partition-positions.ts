/**
 * Where each assigned partition resumes. A consumer app that keeps state in PostgreSQL stores
 * each partition's next offset in the same transaction as that state (its
 * ConsumerPositionStore); Kafka's group offsets are then only a hint. On every assignment the
 * stored positions are read again, and each fetched batch is admitted against them:
 * - records below the stored position were already applied: they are skipped, never handed
 *   to a handler again (a group offset behind the store, e.g. after a crash before commit);
 * - a batch that starts above the stored position means someone committed past records this
 *   store never saw (another instance with another database, a mistaken offset reset): the
 *   consumer seeks back to the stored position. If the refetch starts above it again, those
 *   offsets no longer exist (retention, compaction, transaction markers) and the batch is taken.
 * A stored position above the partition's high watermark means the topic was deleted and
 * created again (or truncated): the old position means nothing there, so reading restarts.
 * Without a store, the group's committed offsets are used as kafkajs keeps them.
 *
 * The positions this instance has processed are also kept here, for the lag gauge.
 */
import type { LoggerService } from '@nestjs/common';
import type { Batch } from 'kafkajs';

export interface ConsumerPositionStore {
  /** The stored next offset of each of these partitions of `topic`; a partition without one is absent. */
  load(topic: string, partitions: readonly number[]): Promise<ReadonlyMap<number, string>>;
}

/** How a fetched batch may be processed: from record `start` on, or not at all (a seek was issued). */
export type Admission = { readonly start: number } | 'seeked';

/** Seeks the running consumer; false when it could not (no consumer running: the batch is fetched again). */
export type Seek = (topic: string, partition: number, offset: string) => boolean;

/** A fetch that keeps starting above the stored position after this many seeks is taken as it is. */
const MAX_SEEKS = 3;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class PartitionPositions {
  private assignment: Readonly<Record<string, readonly number[]>> = {};
  /** Stored next offsets (undefined = none stored), loaded per topic on first need after an assignment. */
  private readonly stored = new Map<string, string | undefined>();
  private readonly loading = new Map<string, Promise<void>>();
  /** Seeks issued towards the stored position since the assignment, per partition. */
  private readonly seeks = new Map<string, number>();
  /** Partitions whose stored position was found above the high watermark: it does not say what was applied. */
  private readonly invalid = new Set<string>();
  /** Next offset to process, as far as this instance knows (for lag). */
  private readonly next = new Map<string, string>();
  private generation = 0;

  constructor(
    private readonly store: ConsumerPositionStore | undefined,
    private readonly fromBeginning: boolean,
    private readonly logger: LoggerService,
  ) {}

  get owned(): boolean {
    return this.store !== undefined;
  }

  /**
   * A new generation: positions are read again (another instance may have moved them meanwhile)
   * and, when `seek` is given, every assigned partition is sought to its stored position at once
   * (to the start when none is stored and the group reads from the beginning). Waiting for a
   * fetched batch to reveal a gap is not enough: a group offset moved to the log end by someone
   * else fetches nothing until a new record arrives, and the records in between would sit unread
   * while the lag said 0.
   */
  assigned(assignment: Readonly<Record<string, readonly number[]>>, seek?: Seek): void {
    this.assignment = assignment;
    this.generation++;
    this.stored.clear();
    this.loading.clear();
    this.seeks.clear();
    this.invalid.clear();
    for (const k of [...this.next.keys()]) {
      const [topic, partition] = k.split('\u0000') as [string, string];
      if (!(assignment[topic] ?? []).includes(Number(partition))) this.next.delete(k);
    }
    if (this.store !== undefined && seek !== undefined)
      this.seekAssignedWithRetries(seek, this.generation, 1);
  }

  /** A failed read of the stored positions is tried again (a second later, ten times) while the assignment holds. */
  private seekAssignedWithRetries(seek: Seek, generation: number, attempt: number): void {
    this.seekAssigned(seek, generation).catch((error: unknown) => {
      this.logger.warn?.(`seeking to the stored positions failed (attempt ${attempt}): ${String(error)}`);
      if (attempt >= 10 || generation !== this.generation) return;
      setTimeout(() => this.seekAssignedWithRetries(seek, generation, attempt + 1), 1_000).unref();
    });
  }

  private async seekAssigned(seek: Seek, generation: number): Promise<void> {
    for (const [topic, partitions] of Object.entries(this.assignment)) {
      if (partitions.length === 0) continue;
      await this.load(topic, partitions[0]!);
      if (generation !== this.generation) return;
      const targets: string[] = [];
      for (const partition of partitions) {
        const k = key(topic, partition);
        const stored = this.stored.get(k);
        const target = stored ?? (this.fromBeginning ? '0' : undefined);
        if (target === undefined) continue;
        if (stored !== undefined) this.next.set(k, stored);
        if (!seek(topic, partition, target)) continue;
        targets.push(`[${partition}]@${stored ?? 'start'}`);
      }
      if (targets.length > 0)
        this.logger.log?.(`${topic}: resuming from the stored positions ${targets.join(' ')}`);
    }
  }

  /** The partitions this instance holds, by topic. */
  assignedPartitions(): Readonly<Record<string, readonly number[]>> {
    return this.assignment;
  }

  /** Next offset to process of a partition this instance holds, if known. */
  nextOffset(topic: string, partition: number): string | undefined {
    return this.next.get(key(topic, partition));
  }

  /** The position stored with the app's state (the previous offset a batch's store call checks). */
  async storedPosition(topic: string, partition: number): Promise<string | undefined> {
    if (this.store === undefined) return undefined;
    const k = key(topic, partition);
    // A reassignment during the read drops its result: read again (twice at most).
    for (let i = 0; i < 3 && !this.stored.has(k); i++) await this.load(topic, partition);
    if (!this.stored.has(k)) throw new Error(`the stored position of ${topic}[${partition}] kept changing`);
    return this.stored.get(k);
  }

  /**
   * The stored position (what a store call checks as the previous offset) and the offset below
   * which records count as applied (undefined: none; differs when the stored position is stale).
   */
  async position(topic: string, partition: number): Promise<{ stored?: string; applied?: bigint }> {
    const stored = await this.storedPosition(topic, partition);
    if (stored === undefined || this.invalid.has(key(topic, partition))) return { stored };
    return { stored, applied: BigInt(stored) };
  }

  /** After a failed store call: the stored position is read again before the retry. */
  forget(topic: string, partition: number): void {
    this.stored.delete(key(topic, partition));
    this.loading.delete(topic);
  }

  /** Records up to `nextOffset` are processed (and, when a store is used, stored with it). */
  advance(topic: string, partition: number, nextOffset: string, stored: boolean): void {
    const k = key(topic, partition);
    this.next.set(k, nextOffset);
    if (stored && this.store !== undefined) {
      this.stored.set(k, nextOffset);
      this.invalid.delete(k);
    }
  }

  /** Whether, and from which record, a fetched batch is processed. */
  async admit(batch: Batch, seek: Seek): Promise<Admission> {
    if (this.store === undefined || batch.messages.length === 0) return { start: 0 };
    const { topic, partition } = batch;
    const stored = await this.storedPosition(topic, partition);
    let resume = stored === undefined ? (this.fromBeginning ? 0n : undefined) : BigInt(stored);
    if (resume !== undefined && resume > BigInt(batch.highWatermark)) {
      this.logger.warn?.(
        `${topic}[${partition}]: the stored position ${resume} is above the high watermark ${batch.highWatermark} (the topic was recreated or truncated); reading it from the start`,
      );
      this.invalid.add(key(topic, partition));
      resume = 0n;
    }
    if (resume === undefined) return { start: 0 };
    const first = BigInt(batch.messages[0]!.offset);
    if (first > resume) {
      // kafkajs keeps the offset a fetch asked for; a fetch that started at or below the stored
      // position and still begins above it means the offsets in between no longer exist
      // (retention, compaction, transaction markers): take it.
      const fetchedOffset = (batch as Batch & { fetchedOffset?: string }).fetchedOffset;
      if (fetchedOffset !== undefined && BigInt(fetchedOffset) <= resume) return { start: 0 };
      const k = key(topic, partition);
      const seeks = this.seeks.get(k) ?? 0;
      if (seeks >= MAX_SEEKS) {
        this.logger.warn?.(
          `${topic}[${partition}]: still fetching from ${fetchedOffset ?? first} after ${seeks} seeks to the stored position ${resume} (removed by retention?); reading on from ${first}`,
        );
        return { start: 0 };
      }
      if (!seek(topic, partition, String(resume))) return 'seeked'; // nothing resolved: fetched again
      this.seeks.set(k, seeks + 1);
      if (stored !== undefined) {
        this.logger.warn?.(
          `${topic}[${partition}]: the group's offset (${fetchedOffset ?? first}) is past the stored position ${resume}; seeking back to it`,
        );
      }
      return 'seeked';
    }
    return { start: firstAtOrAbove(batch, resume) };
  }

  /** One store call for all of a topic's assigned partitions; a result from an older generation is dropped. */
  private async load(topic: string, partition: number): Promise<void> {
    let pending = this.loading.get(topic);
    if (pending === undefined) {
      pending = this.read(topic, [...new Set([...(this.assignment[topic] ?? []), partition])]);
      this.loading.set(topic, pending);
      pending.catch(() => this.loading.delete(topic));
    }
    await pending;
    if (!this.stored.has(key(topic, partition))) await this.read(topic, [partition]);
  }

  private async read(topic: string, partitions: readonly number[]): Promise<void> {
    const generation = this.generation;
    const found = await this.store!.load(topic, partitions);
    if (generation !== this.generation) return;
    for (const p of partitions) this.stored.set(key(topic, p), found.get(p));
  }
}

/** Index of the first record at or above `offset` (records are in offset order). */
function firstAtOrAbove(batch: Batch, offset: bigint): number {
  const { messages } = batch;
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (BigInt(messages[mid]!.offset) < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}
