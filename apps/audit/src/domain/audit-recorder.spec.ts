import { InMemoryAuditStore } from '../spec-support/in-memory-audit-store';
import type { AuditEvent } from './audit-event';
import { AuditWriteError } from './audit-errors';
import { AuditRecorder, type ConsumedEnvelope } from './audit-recorder';
import type { AppendOutcome } from './audit-store.port';

const schema = {
  type: 'record',
  name: 'OrderShipped',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

function envelope(overrides: Partial<ConsumedEnvelope> = {}): ConsumedEnvelope {
  return {
    id: 'evt-1',
    type: 'orders.order.shipped',
    version: 2,
    schemaId: 11,
    writerSchema: schema,
    time: '2026-03-04T05:06:07.123456+02:00',
    source: 'shop',
    key: 'order-9',
    headers: { ce_id: 'evt-1', ce_type: 'orders.order.shipped' },
    topic: 'orders.order.shipped',
    partition: 1,
    offset: '17',
    timestamp: '1767225600000',
    ...overrides,
  };
}

describe('AuditRecorder', () => {
  const clock = { now: () => new Date('2026-05-06T07:08:09.010Z') };
  let store: InMemoryAuditStore;
  let seen: [AuditEvent, AppendOutcome][];
  let recorder: AuditRecorder;

  beforeEach(() => {
    store = new InMemoryAuditStore();
    seen = [];
    recorder = new AuditRecorder(store, clock, { recorded: (e, o) => seen.push([e, o]) });
  });

  it('stores the payload in the JSON mapping with the envelope and coordinates', async () => {
    const value = { orderId: 'order-9', amount: 9007199254740993n, note: { string: 'fragile' } };
    await expect(recorder.record(value, envelope())).resolves.toEqual({ status: 'stored' });
    expect(store.rows).toHaveLength(1);
    expect(store.rows[0]).toMatchObject({
      eventId: 'evt-1',
      version: 2,
      schemaId: 11,
      subject: null,
      key: 'order-9',
      time: '2026-03-04T05:06:07.123456+02:00',
      eventTime: '2026-03-04T03:06:07.123Z',
      kafkaTimestamp: '2026-01-01T00:00:00.000Z',
      ingestedAt: '2026-05-06T07:08:09.010Z',
      topic: 'orders.order.shipped',
      partition: 1,
      offset: '17',
      data: { orderId: 'order-9', amount: '9007199254740993', note: 'fragile' },
    });
    expect(seen.map(([, o]) => o.status)).toEqual(['stored']);
  });

  it('stores a redelivery and a republished id once, saying why', async () => {
    const value = { orderId: 'o', amount: 1n, note: null };
    await recorder.record(value, envelope());
    await expect(recorder.record(value, envelope())).resolves.toMatchObject({
      status: 'duplicate',
      reason: 'coordinates',
    });
    await expect(recorder.record(value, envelope({ offset: '18' }))).resolves.toMatchObject({
      status: 'duplicate',
      reason: 'event-id',
      original: { offset: '17' },
    });
    expect(store.rows).toHaveLength(1);
  });

  it('falls back to the coordinates for a missing id and to the Kafka time for a bad ce_time', async () => {
    await recorder.record({ orderId: 'o', amount: 1n, note: null }, envelope({ id: '', time: 'soon' }));
    expect(store.rows[0]).toMatchObject({
      eventId: 'kafka:orders.order.shipped/1@17',
      eventTime: '2026-01-01T00:00:00.000Z',
    });
  });

  it('refuses, without retry, a value that does not fit its writer schema', async () => {
    const failure = recorder.record({ orderId: 5 }, envelope());
    await expect(failure).rejects.toBeInstanceOf(AuditWriteError);
    await expect(failure).rejects.toMatchObject({ retriable: false });
    expect(store.rows).toHaveLength(0);
  });

  it('stores a batch and moves its position in one append; a moved position stores nothing', async () => {
    const value = { orderId: 'o', amount: 1n, note: null };
    const batch = [17, 18, 19].map((offset) => ({
      data: value,
      envelope: envelope({ id: `e${offset}`, offset: String(offset) }),
    }));
    const position = {
      topic: 'orders.order.shipped',
      partition: 1,
      previousOffset: undefined,
      nextOffset: '20',
    };
    await expect(recorder.recordBatch(batch, position)).resolves.toEqual(Array(3).fill({ status: 'stored' }));
    expect(store.appendCalls).toEqual([3]);
    expect(store.positions.get('orders.order.shipped/1')).toBe('20');
    expect(seen.map(([event]) => event.offset)).toEqual(['17', '18', '19']);

    const stale = recorder.recordBatch([{ data: value, envelope: envelope({ id: 'e20', offset: '20' }) }], {
      ...position,
      previousOffset: '17',
      nextOffset: '21',
    });
    await expect(stale).rejects.toMatchObject({ name: 'AuditWriteError', retriable: true });
    expect(store.rows).toHaveLength(3);
  });
});
