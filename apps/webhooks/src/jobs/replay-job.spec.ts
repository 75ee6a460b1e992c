import type { KafkaMessage } from 'kafkajs';
import type { Transaction } from 'kysely';
import { join } from 'node:path';
import { AvroCodec, createAvroType, loadCatalog, type Catalog } from '@app/schema';
import { TenantFields } from '../consumer/tenant-fields';
import type { Endpoint } from '../domain/endpoint';
import type { FanOutEvent } from '../domain/fan-out';
import type { JobProgress, JobRuns } from './job-runs';
import type { HistoryHandler, KafkaHistoryReader, PartitionRange } from './kafka-history-reader';
import { ReplayJob } from './replay-job';

const TYPE = 'payments.payment.received';
const SINCE = new Date('2026-03-01T00:00:00Z');

const endpoint: Endpoint = {
  id: 'ep_1',
  url: 'https://example.com/hook',
  description: '',
  types: ['payments.*'],
  tenant: 'm-a',
  versions: {},
  format: 'standard',
  rateLimit: null,
  ordered: false,
  metadata: {},
  enabled: true,
  disabledReason: null,
  createdAt: '',
  updatedAt: '',
};

describe('ReplayJob', () => {
  let catalog: Catalog;
  let codec: AvroCodec;
  let record: (offset: number, merchant: string, type?: string) => KafkaMessage;
  const progress: JobProgress[] = [];
  const stored: FanOutEvent[][] = [];
  const runs: JobRuns = {
    claim: async () => undefined,
    heartbeat: async () => true,
    release: async () => undefined,
    succeed: async () => undefined,
    fail: async () => undefined,
    batch: async <T>(
      _id: string,
      work: (tx: Transaction<unknown>) => Promise<{ value: T; progress: JobProgress }>,
    ) => {
      const { value, progress: p } = await work({} as Transaction<unknown>);
      progress.push(p);
      return value;
    },
  };
  const store = {
    storeIn: async (
      _tx: Transaction<unknown>,
      _job: string,
      _endpoint: string,
      events: readonly FanOutEvent[],
    ) => {
      stored.push([...events]);
      return events.length;
    },
  };
  /** Partition 0 holds `records` in [0, 10); partition 1 is empty in the window. */
  const history = (records: KafkaMessage[]) => {
    const ranges: PartitionRange[] = [
      { topic: TYPE, partition: 0, start: '0', next: '0', end: String(records.length) },
      { topic: TYPE, partition: 1, start: '7', next: '7', end: '7' },
    ];
    const reads: PartitionRange[][] = [];
    const reader = {
      ranges: async () => ranges,
      read: async (_job: string, given: readonly PartitionRange[], handle: HistoryHandler) => {
        reads.push([...given]);
        // Two fetches of partition 0, as Kafka would hand them over.
        for (const batch of [records.slice(0, 5), records.slice(5)]) {
          if (batch.length === 0) continue;
          const last = batch[batch.length - 1]!;
          if ((await handle(TYPE, 0, batch, BigInt(last.offset) + 1n)) === 'stop') return;
        }
      },
    };
    return { reader: reader as unknown as KafkaHistoryReader, reads };
  };
  const job = (cursor: unknown = null) => ({
    id: 'job_1',
    kind: 'replay' as const,
    endpointId: endpoint.id,
    since: SINCE,
    until: null,
    createdAt: SINCE,
    done: 0,
    total: null,
    cursor,
    result: null,
    runs: 1,
  });
  const replay = (reader: KafkaHistoryReader, limit: number) =>
    new ReplayJob(
      runs,
      store,
      reader,
      { find: async () => endpoint },
      codec,
      new TenantFields(catalog),
      limit,
    );

  beforeAll(async () => {
    catalog = await loadCatalog(join(__dirname, '..', '..', '..', '..', 'schemas'));
    const v1 = catalog.eventTypes.find((t) => t.type === TYPE)!.versions[0]!.schema;
    codec = new AvroCodec({ schemaById: async () => v1 });
    const type = createAvroType(v1);
    record = (offset, merchant, eventType = TYPE) => ({
      key: null,
      value:
        merchant === 'corrupt'
          ? Buffer.from([0, 0, 0, 0, 1, 0xff])
          : codec.encode(1, type, {
              payment_id: '00000000-0000-4000-8000-000000000000',
              merchant_id: merchant,
              amount_minor: BigInt(offset + 1),
              currency: 'EUR',
              method: 'CARD',
              customer_id: null,
              processor_reference: null,
              received_at: 1_700_000_000_000n,
            }),
      timestamp: String(SINCE.getTime() + offset * 1_000),
      attributes: 0,
      offset: String(offset),
      headers: {
        ce_id: `e${offset}`,
        ce_type: eventType,
        ce_source: 'test',
        ce_time: '2026-03-01T00:00:00Z',
      },
    });
  });
  beforeEach(() => {
    progress.splice(0);
    stored.splice(0);
  });

  it("delivers the endpoint's events of the window (its types and tenant), counting what it read", async () => {
    const records = Array.from({ length: 10 }, (_, i) => record(i, i % 2 === 0 ? 'm-a' : 'm-b'));
    records[3] = record(3, 'corrupt');
    const { reader } = history(records);
    const result = await replay(reader, 100).run(job(), new AbortController().signal);
    expect(stored.flat().map((e) => e.eventId)).toEqual(['e0', 'e2', 'e4', 'e6', 'e8']);
    expect(stored.flat()[0]).toMatchObject({
      type: TYPE,
      topic: TYPE,
      partition: 0,
      tenant: 'm-a',
      source: 'test',
    });
    expect(result).toEqual({ events: 10, deliveries: 5, skipped: 1, limit: 100, more: false });
    expect(progress.at(-1)).toMatchObject({ done: 10, total: 10 });
  });

  it('stops at the limit on the first event left out, and says from when to replay the rest', async () => {
    const records = Array.from({ length: 10 }, (_, i) => record(i, i % 2 === 0 ? 'm-a' : 'm-b'));
    const { reader } = history(records);
    const result = await replay(reader, 3).run(job(), new AbortController().signal);
    expect(stored.flat().map((e) => e.eventId)).toEqual(['e0', 'e2', 'e4']);
    // Offsets 0-5 read (the 4th match, offset 6, is where a later replay starts).
    expect(result).toEqual({
      events: 6,
      deliveries: 3,
      skipped: 0,
      limit: 3,
      more: true,
      nextSince: new Date(SINCE.getTime() + 6_000).toISOString(),
    });
    expect(progress.at(-1)).toMatchObject({ done: 6, total: 10 });
  });

  it('resumes from the cursor of its last committed batch', async () => {
    const records = Array.from({ length: 10 }, (_, i) => record(i, 'm-a'));
    const { reader, reads } = history(records.slice(5));
    const cursor = {
      filters: { types: ['payments.*'], tenant: 'm-a' },
      partitions: [
        { topic: TYPE, partition: 0, start: '0', next: '5', end: '10', resumeAt: SINCE.getTime() + 4_000 },
        { topic: TYPE, partition: 1, start: '7', next: '7', end: '7', resumeAt: SINCE.getTime() },
      ],
      events: 5,
      deliveries: 5,
      skipped: 0,
      more: false,
    };
    const result = await replay(reader, 100).run(
      { ...job(cursor), done: 5, total: 10 },
      new AbortController().signal,
    );
    expect(reads[0]![0]).toMatchObject({ partition: 0, next: '5' });
    expect(result).toEqual({ events: 10, deliveries: 10, skipped: 0, limit: 100, more: false });
  });
});
