/**
 * The publish use case against small in-process fakes of its ports: claims in the idempotency
 * window (claimed / duplicate / conflict / in-flight), release after a failed send, and the
 * unacknowledged send whose claims wait for Kafka's final answer.
 */
import { waitFor } from '@app/testing';
import { AnswerWriter } from './answer-writer';
import type { EventPreparer, PreparedEvent, Publisher } from './event-preparer';
import { EventPublisher, type BatchEntry, type PublishObserver } from './event-publisher';
import { GatewayError } from './gateway-errors';
import {
  UnacknowledgedSendError,
  type AcceptedEvent,
  type ClaimOutcome,
  type EventProducer,
  type IdempotencyClaim,
  type IdempotencyStore,
  type OutgoingRecord,
  type RecordCoordinates,
} from './ports';
import type { PublishRequest } from './publish-request';

/** Jest's asymmetric matchers typed as `unknown`, not `any` (no-unsafe-assignment). */
const anyOf = (type: unknown): unknown => expect.any(type);

class Deferred<T> {
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  readonly promise = new Promise<T>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}

/** Validates `data.ok === true`; fingerprints the data. Mirrors what the real preparer decides on. */
class FakePreparer {
  private generated = 0;

  async prepare(request: PublishRequest, _publisher: Publisher, prefix = ''): Promise<PreparedEvent> {
    const data = request.data as { ok?: boolean; n?: number };
    if (data.ok !== true) {
      throw GatewayError.unprocessable('the data does not match', [
        { path: `${prefix}/data/ok`, message: 'expected true' },
      ]);
    }
    const id = request.id ?? `generated-${++this.generated}`;
    const record: OutgoingRecord = {
      topic: request.type,
      key: null,
      value: Buffer.from([data.n ?? 0]),
      headers: { ce_id: id },
    };
    return {
      id,
      generatedId: request.id === undefined,
      type: request.type,
      version: request.version ?? 1,
      fingerprint: JSON.stringify(data),
      sameEvent: async (stored) => stored === `legacy ${JSON.stringify(data)}`,
      record,
    };
  }
}

type SendBehaviour = 'ack' | Error | Deferred<RecordCoordinates[]>;

class FakeProducer implements EventProducer {
  readonly sent: Array<{ atomic: boolean; ids: string[] }> = [];
  private readonly offsets = new Map<string, number>();
  private readonly behaviours: SendBehaviour[] = [];

  /** The next sends behave like this, in order; afterwards every send is acknowledged. */
  then(...behaviours: SendBehaviour[]): void {
    this.behaviours.push(...behaviours);
  }

  send(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]> {
    return this.respond(records, false);
  }

  sendAtomic(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]> {
    return this.respond(records, true);
  }

  coordinatesFor(records: readonly OutgoingRecord[]): RecordCoordinates[] {
    return records.map((r) => {
      const offset = this.offsets.get(r.topic) ?? 0;
      this.offsets.set(r.topic, offset + 1);
      return { topic: r.topic, partition: 0, offset: String(offset) };
    });
  }

  private async respond(records: readonly OutgoingRecord[], atomic: boolean): Promise<RecordCoordinates[]> {
    this.sent.push({ atomic, ids: records.map((r) => r.headers.ce_id!) });
    const behaviour = this.behaviours.shift() ?? 'ack';
    if (behaviour === 'ack') return this.coordinatesFor(records);
    if (behaviour instanceof Error) throw behaviour;
    return behaviour.promise;
  }
}

interface Row {
  fingerprint: string;
  token: string;
  result?: AcceptedEvent;
}

class FakeIdempotencyStore implements IdempotencyStore {
  readonly rows = new Map<string, Row>();
  /** The ids of each claim call, in order. */
  readonly claimed: string[][] = [];
  failClaims = false;
  private tokens = 0;

  async claim(claims: readonly IdempotencyClaim[]): Promise<ClaimOutcome[]> {
    this.claimed.push(claims.map((c) => c.id));
    if (this.failClaims) throw new Error('connection refused');
    return claims.map((claim): ClaimOutcome => {
      const row = this.rows.get(claim.id);
      if (!row) {
        const token = `t${++this.tokens}`;
        this.rows.set(claim.id, { fingerprint: claim.fingerprint, token });
        return { kind: 'claimed', token };
      }
      if (row.fingerprint !== claim.fingerprint) return { kind: 'conflict' };
      return row.result ? { kind: 'duplicate', result: row.result } : { kind: 'in-flight' };
    });
  }

  failCompletes = false;

  /** When set, complete() waits for it (a slow write). */
  completeGate: Deferred<void> | undefined;

  async complete(results: ReadonlyArray<{ token: string; result: AcceptedEvent }>): Promise<void> {
    if (this.completeGate) await this.completeGate.promise;
    if (this.failCompletes) throw new Error('connection reset');
    for (const { token, result } of results) {
      const row = [...this.rows.values()].find((r) => r.token === token);
      if (row) row.result = result;
    }
  }

  /** When set, record() waits for it (a slow write). */
  recordGate: Deferred<void> | undefined;

  recordCalls = 0;

  async record(events: ReadonlyArray<{ fingerprint: string; result: AcceptedEvent }>): Promise<void> {
    this.recordCalls++;
    if (this.recordGate) await this.recordGate.promise;
    if (this.failCompletes) throw new Error('connection reset');
    for (const { fingerprint, result } of events) {
      if (!this.rows.has(result.id)) this.rows.set(result.id, { fingerprint, token: '', result });
    }
  }

  async release(claims: ReadonlyArray<{ id: string; token: string }>): Promise<void> {
    for (const { id, token } of claims) {
      const row = this.rows.get(id);
      if (row && row.token === token && !row.result) this.rows.delete(id);
    }
  }
}

class RecordingObserver implements PublishObserver {
  readonly acceptedTypes: string[] = [];
  readonly rejectedReasons: string[] = [];

  accepted(type: string, count: number): void {
    this.acceptedTypes.push(...Array<string>(count).fill(type));
  }

  rejected(reason: string, count: number): void {
    this.rejectedReasons.push(...Array<string>(count).fill(reason));
  }

  readonly unstored: number[] = [];

  answerNotStored(count: number): void {
    this.unstored.push(count);
  }
}

const publisher: Publisher = { producer: 'checkout', allows: () => true };
const event = (id: string | undefined, n = 1, type = 'payments.payment.received'): PublishRequest => ({
  type,
  ...(id === undefined ? {} : { id }),
  data: { ok: true, n },
});
const invalid = (id: string): PublishRequest => ({
  type: 'payments.payment.received',
  id,
  data: { ok: false },
});

async function gatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('EventPublisher', () => {
  let producer: FakeProducer;
  let store: FakeIdempotencyStore;
  let observer: RecordingObserver;
  let use: EventPublisher;
  /** Outside strict mode: answers are stored just after they are given. */
  let relaxed: EventPublisher;

  beforeEach(() => {
    producer = new FakeProducer();
    store = new FakeIdempotencyStore();
    observer = new RecordingObserver();
    const publisherWith = (awaitWrites: boolean) =>
      new EventPublisher(
        new FakePreparer() as unknown as EventPreparer,
        producer,
        store,
        observer,
        new AnswerWriter(store, observer, { awaitWrites, maxBackgroundWrites: 20_000 }),
      );
    use = publisherWith(true);
    relaxed = publisherWith(false);
  });

  describe('publishOne', () => {
    it('claims the id, sends, stores the answer, and answers the coordinates', async () => {
      const result = await use.publishOne(event('a'), publisher);
      const expected = {
        id: 'a',
        type: 'payments.payment.received',
        version: 1,
        topic: 'payments.payment.received',
        partition: 0,
        offset: '0',
      };
      expect(result).toEqual({ ...expected, duplicate: false });
      expect(producer.sent).toEqual([{ atomic: false, ids: ['a'] }]);
      expect(store.rows.get('a')?.result).toEqual(expected);
      expect(observer.acceptedTypes).toEqual(['payments.payment.received']);
    });

    it('a duplicate (same id, same content) gets the original answer and sends nothing', async () => {
      const first = await use.publishOne(event('a'), publisher);
      const again = await use.publishOne(event('a'), publisher);
      expect(again).toEqual({ ...first, duplicate: true });
      expect(producer.sent).toHaveLength(1);
    });

    it('the same id with other content is a conflict and sends nothing', async () => {
      await use.publishOne(event('a', 1), publisher);
      const error = await gatewayError(use.publishOne(event('a', 2), publisher));
      expect(error.kind).toBe('conflict');
      expect(error.message).toContain('"a"');
      expect(producer.sent).toHaveLength(1);
      expect(observer.rejectedReasons).toEqual(['conflict']);
    });

    it('the same event while its first send is in flight: 503 retry shortly, one send', async () => {
      const pending = new Deferred<RecordCoordinates[]>();
      producer.then(pending);
      const first = use.publishOne(event('a'), publisher);
      await waitFor(() => producer.sent.length === 1);
      const error = await gatewayError(use.publishOne(event('a'), publisher));
      expect(error).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 1 });
      pending.resolve([{ topic: 'payments.payment.received', partition: 2, offset: '9' }]);
      await expect(first).resolves.toMatchObject({ id: 'a', partition: 2, offset: '9', duplicate: false });
      expect(producer.sent).toHaveLength(1);
    });

    it('an invalid event is refused before any claim', async () => {
      const error = await gatewayError(use.publishOne(invalid('a'), publisher));
      expect(error.kind).toBe('unprocessable');
      expect(store.rows.size).toBe(0);
      expect(observer.rejectedReasons).toEqual(['unprocessable']);
    });

    it('a failed send releases the claim, so the retry publishes', async () => {
      producer.then(GatewayError.unavailable('Kafka is unavailable', 2));
      const error = await gatewayError(use.publishOne(event('a'), publisher));
      expect(error).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 2 });
      expect(store.rows.has('a')).toBe(false);
      await expect(use.publishOne(event('a'), publisher)).resolves.toMatchObject({
        id: 'a',
        duplicate: false,
      });
      expect(producer.sent).toHaveLength(2);
    });

    it('an answer that cannot be stored after the ack still answers 2xx (Kafka has the event), and says so', async () => {
      store.failCompletes = true;
      const result = await use.publishOne(event('a'), publisher);
      expect(result).toMatchObject({ id: 'a', offset: '0', duplicate: false });
      expect(observer.unstored).toEqual([1]);
    });

    it('the idempotency store down is a 503, not a crash', async () => {
      store.failClaims = true;
      const error = await gatewayError(use.publishOne(event('a'), publisher));
      expect(error).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 2 });
      expect(producer.sent).toHaveLength(0);
    });

    it('a generated id is not claimed: one record after the ack, and a re-post of that id is a duplicate', async () => {
      const result = await use.publishOne(event(undefined), publisher);
      expect(result).toMatchObject({ id: 'generated-1', offset: '0', duplicate: false });
      expect(store.claimed).toEqual([]);
      expect(store.rows.get('generated-1')).toMatchObject({ result: { id: 'generated-1', offset: '0' } });
      const again = await use.publishOne(event('generated-1'), publisher);
      expect(again).toEqual({ ...result, duplicate: true });
      const other = await gatewayError(use.publishOne(event('generated-1', 2), publisher));
      expect(other.kind).toBe('conflict');
      expect(producer.sent).toHaveLength(1);
    });

    it('a generated id publishes while the store is down (nobody can repeat it yet), and says the answer was not stored', async () => {
      store.failClaims = true;
      store.failCompletes = true;
      const result = await use.publishOne(event(undefined), publisher);
      expect(result).toMatchObject({ id: 'generated-1', duplicate: false });
      expect(producer.sent).toHaveLength(1);
      expect(observer.unstored).toEqual([1]);
    });

    it('without strict mode, a generated id is answered before its record lands, and a failed record is counted', async () => {
      store.recordGate = new Deferred<void>();
      const result = await relaxed.publishOne(event(undefined), publisher);
      expect(result).toMatchObject({ id: 'generated-1', duplicate: false });
      expect(store.rows.has('generated-1')).toBe(false);
      store.recordGate.resolve();
      await waitFor(() => store.rows.has('generated-1'), { description: 'the record to land' });

      store.failCompletes = true;
      await relaxed.publishOne(event(undefined), publisher);
      await waitFor(() => observer.unstored.length === 1, { description: 'the failure to be counted' });
      expect(observer.unstored).toEqual([1]);
    });

    it('without strict mode, a client id is answered before its claim completes; a retry meanwhile is in flight, then a duplicate', async () => {
      store.completeGate = new Deferred<void>();
      const first = await relaxed.publishOne(event('a'), publisher);
      expect(first).toMatchObject({ id: 'a', duplicate: false });
      // The fake store has no write tracking: this is what another gateway instance answers.
      const meanwhile = await gatewayError(relaxed.publishOne(event('a'), publisher));
      expect(meanwhile).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 1 });
      store.completeGate.resolve();
      await waitFor(() => store.rows.get('a')?.result !== undefined, {
        description: 'the claim to complete',
      });
      await expect(relaxed.publishOne(event('a'), publisher)).resolves.toEqual({ ...first, duplicate: true });
      expect(producer.sent).toHaveLength(1);
    });

    it('without strict mode, answers wait for their records again once 20,000 are being written', async () => {
      store.recordGate = new Deferred<void>();
      const many = Array.from({ length: 20_001 }, () => event(undefined));
      let answered = false;
      const publishing = relaxed.publishBatch(many, publisher).then((results) => {
        answered = true;
        return results;
      });
      await waitFor(() => store.recordCalls === 1, { description: 'the records to be written' });
      // Only the record write is pending now. Without the bound the answer would be given by the
      // promise continuations already queued, which one turn of the event loop runs.
      await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBe(false);
      store.recordGate.resolve();
      expect((await publishing).every((r) => r.status === 'accepted')).toBe(true);
      expect(store.rows.size).toBe(20_001);
    });

    it('a generated id whose send fails leaves nothing behind to release', async () => {
      producer.then(GatewayError.unavailable('Kafka is unavailable; retry shortly', 2));
      const error = await gatewayError(use.publishOne(event(undefined), publisher));
      expect(error.kind).toBe('unavailable');
      expect(store.rows.size).toBe(0);
    });

    describe('a send Kafka did not acknowledge in time', () => {
      function unacknowledged() {
        const outcome = new Deferred<RecordCoordinates[]>();
        producer.then(new UnacknowledgedSendError('no acknowledgement within 100 ms', outcome.promise));
        return outcome;
      }

      it('answers 503 and keeps the claim: a retry meanwhile is in flight, not a second write', async () => {
        unacknowledged();
        const error = await gatewayError(use.publishOne(event('a'), publisher));
        expect(error.kind).toBe('unavailable');
        expect(error.message).toMatch(/retry with the same id/);
        expect(store.rows.get('a')).toEqual({ fingerprint: anyOf(String), token: anyOf(String) });
        const retry = await gatewayError(use.publishOne(event('a'), publisher));
        expect(retry.kind).toBe('unavailable');
        expect(producer.sent).toHaveLength(1);
      });

      it('written after all: the claim completes and the retry gets that answer as a duplicate', async () => {
        const outcome = unacknowledged();
        await gatewayError(use.publishOne(event('a'), publisher));
        outcome.resolve([{ topic: 'payments.payment.received', partition: 1, offset: '77' }]);
        await waitFor(() => store.rows.get('a')?.result !== undefined, {
          description: 'the claim to complete',
        });
        await expect(use.publishOne(event('a'), publisher)).resolves.toEqual({
          id: 'a',
          type: 'payments.payment.received',
          version: 1,
          topic: 'payments.payment.received',
          partition: 1,
          offset: '77',
          duplicate: true,
        });
        expect(producer.sent).toHaveLength(1);
      });

      it('not written: the claim is released and the retry publishes', async () => {
        const outcome = unacknowledged();
        await gatewayError(use.publishOne(event('a'), publisher));
        outcome.reject(new Error('the produce request failed'));
        await waitFor(() => !store.rows.has('a'), { description: 'the claim to be released' });
        await expect(use.publishOne(event('a'), publisher)).resolves.toMatchObject({
          duplicate: false,
          offset: '0',
        });
        expect(producer.sent).toHaveLength(2);
      });
    });
  });

  describe('publishBatch (per event)', () => {
    it('answers every entry in order and sends only the new valid events, in one send', async () => {
      await use.publishOne(event('dup'), publisher);
      await use.publishOne(event('conflict', 1), publisher);
      const entries: BatchEntry[] = [
        event('n1'),
        [{ path: '/events/1/type', message: 'required' }],
        invalid('bad'),
        event('dup'),
        event('conflict', 2),
        event('n1'),
        event(undefined),
      ];
      const results = await use.publishBatch(entries, publisher);
      expect(
        results.map((r) =>
          r.status === 'accepted'
            ? ['accepted', r.result.id, r.result.duplicate]
            : ['rejected', r.id, r.error.kind],
        ),
      ).toEqual([
        ['accepted', 'n1', false],
        ['rejected', undefined, 'malformed'],
        ['rejected', 'bad', 'unprocessable'],
        ['accepted', 'dup', true],
        ['rejected', 'conflict', 'conflict'],
        ['rejected', 'n1', 'malformed'],
        ['accepted', 'generated-1', false],
      ]);
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(
        rejected.map((r) => (r.status === 'rejected' ? r.error.violations.map((v) => v.path) : [])),
      ).toEqual([['/events/1/type'], ['/events/2/data/ok'], [], ['/events/5/id']]);
      expect(producer.sent.slice(2)).toEqual([{ atomic: false, ids: ['n1', 'generated-1'] }]);
      // Only client ids are claimed; the generated one is recorded with its answer.
      expect(store.claimed.slice(2)).toEqual([['n1', 'dup', 'conflict']]);
      expect(store.rows.get('generated-1')?.result).toMatchObject({ id: 'generated-1' });
      expect(observer.rejectedReasons).toEqual(['malformed', 'unprocessable', 'conflict', 'malformed']);
    });

    it('sends nothing when no entry is new', async () => {
      const results = await use.publishBatch(
        [invalid('x'), [{ path: '/events/1', message: 'bad' }]],
        publisher,
      );
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      expect(producer.sent).toEqual([]);
    });

    it('a failed send releases every claim of the batch', async () => {
      producer.then(GatewayError.unavailable('Kafka is unavailable', 2));
      const error = await gatewayError(use.publishBatch([event('a'), event('b')], publisher));
      expect(error.kind).toBe('unavailable');
      expect(store.rows.size).toBe(0);
    });
  });

  describe('publishAtomic', () => {
    it('sends every event in one transaction', async () => {
      const results = await use.publishAtomic([event('a'), event('b', 2, 'orders.order.shipped')], publisher);
      expect(results.map((r) => [r.id, r.topic, r.duplicate])).toEqual([
        ['a', 'payments.payment.received', false],
        ['b', 'orders.order.shipped', false],
      ]);
      expect(producer.sent).toEqual([{ atomic: true, ids: ['a', 'b'] }]);
    });

    it('one invalid event refuses the whole batch with every violation, before any claim', async () => {
      const error = await gatewayError(
        use.publishAtomic(
          [event('a'), invalid('b'), [{ path: '/events/2/version', message: 'bad' }], event('a')],
          publisher,
        ),
      );
      expect(error.kind).toBe('unprocessable');
      expect(error.violations.map((v) => v.path)).toEqual([
        '/events/1/data/ok',
        '/events/2/version',
        '/events/3/id',
      ]);
      expect(store.rows.size).toBe(0);
      expect(producer.sent).toEqual([]);
      expect(observer.rejectedReasons).toEqual(Array<string>(4).fill('unprocessable'));
    });

    it('a conflict refuses the batch and releases the claims it took', async () => {
      await use.publishOne(event('c', 1), publisher);
      const error = await gatewayError(use.publishAtomic([event('a'), event('c', 2)], publisher));
      expect(error.kind).toBe('conflict');
      expect([...store.rows.keys()]).toEqual(['c']);
      expect(producer.sent).toHaveLength(1);
    });

    it('duplicates answer their original result; only new events go in the transaction', async () => {
      const first = await use.publishOne(event('d'), publisher);
      const results = await use.publishAtomic([event('d'), event('e')], publisher);
      expect(results[0]).toEqual({ ...first, duplicate: true });
      expect(results[1]).toMatchObject({ id: 'e', duplicate: false });
      expect(producer.sent[1]).toEqual({ atomic: true, ids: ['e'] });
    });

    it('a failed transaction releases the claims', async () => {
      producer.then(GatewayError.unavailable('the transaction aborted', 2));
      await gatewayError(use.publishAtomic([event('a'), event('b')], publisher));
      expect(store.rows.size).toBe(0);
    });
  });
});
