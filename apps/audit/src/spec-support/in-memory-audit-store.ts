/**
 * An in-process AuditStore for unit tests: the same duplicate rules and chain linking as the
 * Postgres adapter, in arrays. `rows` is exposed so tests can tamper with it.
 */
import { coordinatesOf, type AuditEvent, type StoredAuditEvent } from '../domain/audit-event';
import type { AuditFilter } from '../domain/audit-requests';
import { AuditWriteError } from '../domain/audit-errors';
import type { AppendOutcome, AuditStore, PositionAdvance } from '../domain/audit-store.port';
import type { VerifyScope } from '../domain/chain-verifier';
import { GENESIS_HASH, linkEvents } from '../domain/hash-chain';

export class InMemoryAuditStore implements AuditStore {
  rows: StoredAuditEvent[] = [];
  appendCalls: number[] = [];

  readonly positions = new Map<string, string>();

  async append(events: readonly AuditEvent[], position?: PositionAdvance): Promise<AppendOutcome[]> {
    if (position !== undefined) {
      const key = `${position.topic}/${position.partition}`;
      if (this.positions.get(key) !== position.previousOffset) {
        throw new AuditWriteError(`the position of ${key} moved`, { retriable: true });
      }
      this.positions.set(key, position.nextOffset);
    }
    this.appendCalls.push(events.length);
    return events.map((event): AppendOutcome => {
      const same = this.rows.find((r) => coordinatesOf(r) === coordinatesOf(event));
      const sameId = this.rows.find((r) => r.eventId === event.eventId);
      const original = same ?? sameId;
      if (original) {
        return { status: 'duplicate', reason: same ? 'coordinates' : 'event-id', original };
      }
      const head = this.rows.filter((r) => r.topic === event.topic && r.partition === event.partition).pop();
      const [linked] = linkEvents(head?.hash ?? GENESIS_HASH, [event]);
      this.rows.push({ ...linked!, sequence: String(this.rows.length + 1) });
      return { status: 'stored' };
    });
  }

  async search(filter: AuditFilter, after: string | undefined, limit: number): Promise<StoredAuditEvent[]> {
    return this.rows
      .filter((r) => after === undefined || BigInt(r.sequence) > BigInt(after))
      .filter((r) => filter.type === undefined || r.type === filter.type)
      .filter((r) => filter.key === undefined || r.key === filter.key)
      .slice(0, limit);
  }

  async findById(eventId: string): Promise<StoredAuditEvent | undefined> {
    return this.rows.find((r) => r.eventId === eventId);
  }

  async chainPage(scope: VerifyScope, after: string | undefined, limit: number): Promise<StoredAuditEvent[]> {
    return this.rows
      .filter((r) => after === undefined || BigInt(r.sequence) > BigInt(after))
      .filter((r) => scope.topic === undefined || r.topic === scope.topic)
      .filter((r) => scope.partition === undefined || r.partition === scope.partition)
      .filter((r) => scope.fromOffset === undefined || BigInt(r.offset) >= BigInt(scope.fromOffset))
      .filter((r) => scope.toOffset === undefined || BigInt(r.offset) <= BigInt(scope.toOffset))
      .slice(0, limit);
  }

  async hashBefore(topic: string, partition: number, sequence: string): Promise<string | undefined> {
    return this.rows
      .filter((r) => r.topic === topic && r.partition === partition && BigInt(r.sequence) < BigInt(sequence))
      .pop()?.hash;
  }
}

let counter = 0;

/** A valid AuditEvent; override what the test is about. */
export function auditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  counter += 1;
  return {
    eventId: `evt-${counter}`,
    type: 'orders.order.shipped',
    version: 1,
    schemaId: 7,
    source: 'shop',
    subject: null,
    key: 'order-1',
    time: '2026-01-02T03:04:05.678Z',
    eventTime: '2026-01-02T03:04:05.678Z',
    topic: 'orders.order.shipped',
    partition: 0,
    offset: String(counter),
    kafkaTimestamp: '2026-01-02T03:04:05.700Z',
    headers: { ce_id: `evt-${counter}` },
    data: { orderId: 'order-1', amount: 1250 },
    ingestedAt: '2026-01-02T03:04:06.000Z',
    ...overrides,
  };
}
