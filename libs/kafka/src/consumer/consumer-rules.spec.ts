import { CodecError } from '@app/schema';
import type { MessageHandler } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import { lastValueFrom, type Observable } from 'rxjs';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import { resolveConsumerOptions } from './consumer-options';
import { deadLetterHeaders, deadLetterTopic } from './dead-letter';
import { RecordEnvelope } from './event-envelope';
import { HandlerError, classifyFailure } from './handler-error';
import { HandlerConfigError, HandlerTable } from './handler-table';
import { waitWithTicks } from './retry-backoff';

function handler(extras: Record<string, unknown> = {}, isEventHandler = true): MessageHandler {
  return Object.assign(async () => undefined, { extras, isEventHandler });
}

const record: KafkaMessage = {
  key: Buffer.from('pay-1'),
  value: Buffer.from([0, 0, 0, 0, 7, 1, 2]),
  timestamp: '1700000000000',
  attributes: 0,
  offset: '41',
  headers: {
    ce_id: Buffer.from('evt-1'),
    ce_type: 'payments.payment.received',
    traceparent: [Buffer.from('a'), Buffer.from('b')],
  },
};

describe('failure classification', () => {
  it('honours HandlerError and CodecError flags and retries unknown errors', () => {
    expect(classifyFailure(new HandlerError('bad amount', { retriable: false }))).toMatchObject({
      retriable: false,
      kind: 'HANDLER',
    });
    expect(classifyFailure(new CodecError('SCHEMA_LOOKUP_FAILED', 'down', true))).toMatchObject({
      retriable: true,
      kind: 'SCHEMA_LOOKUP_FAILED',
    });
    expect(classifyFailure(new Error('socket hang up'))).toEqual({
      retriable: true,
      kind: 'UNKNOWN',
      message: 'socket hang up',
    });
    expect(classifyFailure({ status: 'error', message: 'Internal server error' }).retriable).toBe(true);
  });

  it("keeps a HandlerError intact through Nest's RPC exception filter", async () => {
    const error = new HandlerError('duplicate key', { retriable: false, cause: new Error('23505') });
    const filtered = new BaseRpcExceptionFilter().catch(error, {} as never) as Observable<never>;
    const seen: unknown = await lastValueFrom(filtered).catch((e: unknown) => e);
    expect(seen).toBe(error);
    expect(classifyFailure(seen)).toMatchObject({ retriable: false, message: 'duplicate key' });
    expect((seen as HandlerError).cause).toEqual(new Error('23505'));
  });
});

// The backoff policy itself (equal jitter) is tested with it, in libs/platform/src/backoff.spec.ts.
// Fake timers (they move Date.now too): the waits are checked against the clock they read, not
// against how fast the machine running the test happens to be.
describe('waiting before a retry', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('heartbeats once per tick while it waits the whole delay', async () => {
    let beats = 0;
    const settled = jest.fn();
    const waiting = waitWithTicks(
      60,
      10,
      async () => void beats++,
      () => false,
    ).then(settled);
    await jest.advanceTimersByTimeAsync(59);
    expect(settled).not.toHaveBeenCalled();
    expect(beats).toBe(5);
    await jest.advanceTimersByTimeAsync(1);
    await waiting;
    expect(settled).toHaveBeenCalledWith(true);
    expect(beats).toBe(6);
  });

  it('gives up within one step (250 ms) of the consumer stopping, not at the end of the delay', async () => {
    let stop = false;
    const settled = jest.fn();
    const waiting = waitWithTicks(
      10_000,
      1_000,
      async () => undefined,
      () => stop,
    ).then(settled);
    await jest.advanceTimersByTimeAsync(20);
    stop = true;
    expect(settled).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(230);
    await waiting;
    expect(settled).toHaveBeenCalledWith(false);
  });
});

describe('dead letters', () => {
  it('keeps the original headers and adds what failed, where and when', () => {
    const headers = deadLetterHeaders(record, {
      topic: 'payments.payment.received',
      partition: 2,
      groupId: 'audit',
      attempts: 3,
      verdict: { retriable: true, kind: 'UNKNOWN', message: 'x'.repeat(5_000) },
      now: new Date('2026-01-02T03:04:05Z'),
    });
    expect(deadLetterTopic('payments.payment.received', 'audit')).toBe('payments.payment.received.dlq.audit');
    expect(headers).toMatchObject({
      ce_id: Buffer.from('evt-1'),
      herald_dlq_retriable: 'true',
      herald_dlq_attempts: '3',
      herald_dlq_topic: 'payments.payment.received',
      herald_dlq_partition: '2',
      herald_dlq_offset: '41',
      herald_dlq_group: 'audit',
      herald_dlq_time: '2026-01-02T03:04:05.000Z',
    });
    expect(headers['herald_dlq_error']).toHaveLength(2_000);
  });
});

describe('handler table', () => {
  it('routes exact types, sends other event types to "*", and lists what to read', () => {
    const table = new HandlerTable(
      new Map([
        ['payments.payment.received', handler({ version: 1 })],
        ['*', handler()],
      ]),
    );
    expect(table.route('payments.payment.received')?.version).toBe(1);
    expect(table.route('orders.order.shipped')?.pattern).toBe('*');
    expect(table.route('payments.payment.received.dlq.audit')).toBeUndefined();
    expect(
      table.topicsToRead(['_schemas', 'orders.order.shipped', 'payments.payment.received', 'x.dlq.y.z.w']),
    ).toEqual(['orders.order.shipped', 'payments.payment.received']);
    expect(table.pinned().map((r) => r.pattern)).toEqual(['payments.payment.received']);
  });

  it('refuses declarations it could not honour', () => {
    const twice = Object.assign(handler(), { next: handler() });
    const cases: Array<[string, MessageHandler]> = [
      ['payments.payment.received', twice],
      ['Payments', handler()],
      ['*', handler({ version: 2 })],
      ['orders.order.shipped', handler({ version: 0 })],
      ['orders.order.shipped', handler({}, false)],
    ];
    for (const [pattern, h] of cases)
      expect(() => new HandlerTable(new Map([[pattern, h]]))).toThrow(HandlerConfigError);
    expect(() => new HandlerTable(new Map())).toThrow(/no @EventPattern/);
  });
});

describe('record envelope', () => {
  it('exposes the CloudEvents headers, key and coordinates, and serialises to a plain object', () => {
    const envelope = new RecordEnvelope('payments.payment.received', 3, record, {
      schemaId: 7,
      version: 2,
      schema: 'string',
    });
    expect(envelope).toMatchObject({
      id: 'evt-1',
      type: 'payments.payment.received',
      key: 'pay-1',
      offset: '41',
      version: 2,
    });
    expect(envelope.headers).toEqual({
      ce_id: 'evt-1',
      ce_type: 'payments.payment.received',
      traceparent: 'b',
    });
    const json = JSON.parse(JSON.stringify(envelope)) as Record<string, unknown>;
    expect(json).toMatchObject({
      id: 'evt-1',
      partition: 3,
      schemaId: 7,
      time: '',
      source: '',
      timestamp: '1700000000000',
    });
    expect(json).not.toHaveProperty('subject');
  });
});

describe('consumer options', () => {
  const base = { brokers: ['127.0.0.1:9092'], groupId: 'g', clientId: 'c', schemaSource: {} as never };
  it('fills defaults and rejects settings Kafka would refuse', () => {
    expect(resolveConsumerOptions(base)).toMatchObject({
      maxAttempts: 5,
      fromBeginning: true,
      partitionsConcurrency: 4,
    });
    expect(() => resolveConsumerOptions({ ...base, maxAttempts: 0 })).toThrow(RangeError);
    expect(() =>
      resolveConsumerOptions({ ...base, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 6_000 }),
    ).toThrow(RangeError);
  });
});
