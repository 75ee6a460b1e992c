/**
 * A replay job: the events of a time window that one endpoint takes (its type patterns and
 * tenant, as they were when the job started) are read back from Kafka and delivered to that
 * endpoint only, as new deliveries (`origin` replay, the job's id) rendered at delivery time like
 * any other (its version pins, its format). The window is found by timestamp
 * (offsetsForTimes: from the first record at or after `since`; up to the first at or after
 * `until`, and never past the end of the log when the job first ran). At most `limit` deliveries
 * per job; the result says when the window held more, and from when to replay the rest.
 *
 * Each batch of a partition commits its deliveries together with the job's cursor (each
 * partition's next offset), so a resumed run reads on from there, and a batch read twice finds its
 * rows (unique per job and coordinates). An event the endpoint already received gets a second
 * delivery: the replay was asked for.
 */
import type { KafkaMessage } from 'kafkajs';
import { headersAsText } from '@app/kafka';
import type { AvroCodec } from '@app/schema';
import type { TenantFields } from '../consumer/tenant-fields';
import { patternMatches } from '../domain/endpoint';
import type { EndpointStore } from '../domain/endpoint-store.port';
import type { FanOutEvent } from '../domain/fan-out';
import type { ReplayResult } from '../domain/jobs';
import type { PostgresReplayStore } from '../storage/replay-store.postgres';
import type { ClaimedJob, JobHandler, JobRuns } from './job-runs';
import type { KafkaHistoryReader, PartitionRange } from './kafka-history-reader';

interface ReplayPartition extends PartitionRange {
  /** Epoch ms from which a later replay would read this partition's unread rest. */
  readonly resumeAt: number;
}

interface ReplayCursor {
  readonly filters: { readonly types: readonly string[]; readonly tenant: string | null };
  readonly partitions: readonly ReplayPartition[];
  readonly events: number;
  readonly deliveries: number;
  readonly skipped: number;
  readonly more: boolean;
}

export class ReplayJob implements JobHandler {
  constructor(
    private readonly runs: JobRuns,
    private readonly store: PostgresReplayStore,
    private readonly history: KafkaHistoryReader,
    private readonly endpoints: Pick<EndpointStore, 'find'>,
    private readonly codec: AvroCodec,
    private readonly tenants: TenantFields,
    private readonly limit: number,
  ) {}

  async run(job: ClaimedJob, signal: AbortSignal): Promise<ReplayResult> {
    let cursor = (job.cursor as ReplayCursor | null) ?? (await this.plan(job));
    await this.history.read(
      job.id,
      // A run that already reached the limit (and was interrupted before ending) reads nothing more.
      cursor.more ? [] : cursor.partitions,
      async (topic, partition, records, position) => {
        const next = await this.batch(job, cursor, topic, partition, records, position);
        cursor = next;
        return next.more ? 'stop' : 'continue';
      },
      signal,
    );
    signal.throwIfAborted();
    // What Kafka skipped at the end of a partition (transaction markers) counts as read.
    const finished: ReplayCursor = cursor.more
      ? cursor
      : { ...cursor, partitions: cursor.partitions.map((p) => ({ ...p, next: p.end })) };
    await this.runs.batch(job.id, async () => ({ value: undefined, progress: this.progress(finished) }));
    return this.result(job, finished);
  }

  /** The first run: the endpoint's filters now, and the window's ranges up to the log's end now. */
  private async plan(job: ClaimedJob): Promise<ReplayCursor> {
    const endpoint = await this.endpoints.find(job.endpointId);
    if (endpoint === undefined) throw new Error(`endpoint ${job.endpointId} no longer exists`);
    const ranges = await this.history.ranges(
      (topic) => endpoint.types.some((pattern) => patternMatches(pattern, topic)),
      job.since,
      job.until,
    );
    const cursor: ReplayCursor = {
      filters: { types: endpoint.types, tenant: endpoint.tenant },
      partitions: ranges.map((r) => ({ ...r, resumeAt: job.since.getTime() })),
      events: 0,
      deliveries: 0,
      skipped: 0,
      more: false,
    };
    await this.runs.batch(job.id, async () => ({ value: undefined, progress: this.progress(cursor) }));
    return cursor;
  }

  private async batch(
    job: ClaimedJob,
    cursor: ReplayCursor,
    topic: string,
    partition: number,
    records: readonly KafkaMessage[],
    position: bigint,
  ): Promise<ReplayCursor> {
    const { matched, skipped } = await this.matching(cursor, topic, partition, records);
    const room = this.limit - cursor.deliveries;
    const more = matched.length > room;
    // Past the limit, the partition stops at the first event left out.
    const taken = more ? matched.slice(0, room) : matched;
    const stop = more ? BigInt(matched[room]!.event.offset) : position;
    const read = records.filter((r) => BigInt(r.offset) < stop);
    const resumeAt = more
      ? Number(matched[room]!.timestamp)
      : read.length > 0
        ? Number(read[read.length - 1]!.timestamp)
        : undefined;
    return this.runs.batch(job.id, async (tx) => {
      const created = await this.store.storeIn(
        tx,
        job.id,
        job.endpointId,
        taken.map((m) => m.event),
      );
      const next: ReplayCursor = {
        ...cursor,
        partitions: cursor.partitions.map((p) =>
          p.topic === topic && p.partition === partition
            ? { ...p, next: String(stop), resumeAt: resumeAt ?? p.resumeAt }
            : p,
        ),
        events: cursor.events + read.length,
        deliveries: cursor.deliveries + created,
        skipped: cursor.skipped + skipped.filter((offset) => offset < stop).length,
        more,
      };
      return { value: next, progress: this.progress(next) };
    });
  }

  /** The records the endpoint takes, as fan-out events; offsets of those whose value does not decode. */
  private async matching(
    cursor: ReplayCursor,
    topic: string,
    partition: number,
    records: readonly KafkaMessage[],
  ): Promise<{ matched: { event: FanOutEvent; timestamp: string }[]; skipped: bigint[] }> {
    const { types, tenant } = cursor.filters;
    const matched: { event: FanOutEvent; timestamp: string }[] = [];
    const skipped: bigint[] = [];
    for (const record of records) {
      const headers = headersAsText(record.headers);
      const type = headers['ce_type'] ?? topic;
      if (!types.some((pattern) => patternMatches(pattern, type))) continue;
      let data: unknown;
      try {
        if (record.value === null) throw new Error('no value');
        data = (await this.codec.decode(record.value)).value;
      } catch {
        skipped.push(BigInt(record.offset));
        continue;
      }
      const eventTenant = this.tenants.tenantOf(type, data);
      if (tenant !== null && tenant !== eventTenant) continue;
      matched.push({
        event: fanOutEvent(topic, partition, record, headers, type, eventTenant),
        timestamp: record.timestamp,
      });
    }
    return { matched, skipped };
  }

  private progress(cursor: ReplayCursor): {
    done: number;
    total: number;
    cursor: ReplayCursor;
    result: ReplayResult;
  } {
    const sum = (pick: (p: ReplayPartition) => bigint) =>
      Number(cursor.partitions.reduce((n, p) => n + pick(p), 0n));
    return {
      done: sum((p) => BigInt(p.next) - BigInt(p.start)),
      total: sum((p) => BigInt(p.end) - BigInt(p.start)),
      cursor,
      result: {
        events: cursor.events,
        deliveries: cursor.deliveries,
        skipped: cursor.skipped,
        limit: this.limit,
        more: cursor.more,
      },
    };
  }

  private result(job: ClaimedJob, cursor: ReplayCursor): ReplayResult {
    const { result } = this.progress(cursor);
    if (!cursor.more) return result;
    const unread = cursor.partitions.filter((p) => BigInt(p.next) < BigInt(p.end));
    const from = Math.min(...unread.map((p) => p.resumeAt), Number.MAX_SAFE_INTEGER);
    return { ...result, nextSince: new Date(Math.max(from, job.since.getTime())).toISOString() };
  }
}

/** A record as the fan-out maps it (consumer/fan-out.handler.ts): a record without ce_id is named by its coordinates. */
function fanOutEvent(
  topic: string,
  partition: number,
  record: KafkaMessage,
  headers: Readonly<Record<string, string>>,
  type: string,
  tenant: string | null,
): FanOutEvent {
  const id = headers['ce_id'] ?? '';
  return {
    eventId: id !== '' ? id : `kafka:${topic}/${partition}@${record.offset}`,
    type,
    topic,
    partition,
    offset: record.offset,
    time: headers['ce_time'] ?? '',
    source: headers['ce_source'] ?? '',
    subject: headers['ce_subject'] ?? null,
    traceparent: headers['traceparent'] ?? null,
    tenant,
    value: record.value ?? Buffer.alloc(0),
  };
}
