/**
 * The audit store on PostgreSQL (the app's `audit` schema): appends through
 * append-transaction.ts, and reads by keyset on `sequence` for the query API, the export and
 * the chain verifier. Text filters and ids are looked up by their keys (audit-text-key.ts), so
 * any string finds its rows and none reaches PostgreSQL in a form it refuses.
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { StoredAuditEvent } from '../domain/audit-event';
import type { AuditFilter } from '../domain/audit-requests';
import { PostgresConsumerPositions } from '@app/persistence';
import type { AppendOutcome, AuditStore, PositionAdvance } from '../domain/audit-store.port';
import type { AuditEvent } from '../domain/audit-event';
import { textKeysMatching } from '../domain/audit-text-key';
import type { VerifyScope } from '../domain/chain-verifier';
import { appendInTransaction } from './append-transaction';
import { fromRow, type AuditDatabase, type AuditEventRow } from './audit-tables';
import { toAuditWriteError } from './postgres-errors';

type AuditQuery = SelectQueryBuilder<AuditDatabase, 'audit_events', AuditEventRow>;

export class PostgresAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<AuditDatabase>) {}

  async append(events: readonly AuditEvent[], position?: PositionAdvance): Promise<AppendOutcome[]> {
    if (events.length === 0 && position === undefined) return [];
    try {
      return await this.db.transaction().execute(async (tx) => {
        const outcomes = events.length === 0 ? [] : await appendInTransaction(tx, events);
        if (position !== undefined) await PostgresConsumerPositions.save(tx, position);
        return outcomes;
      });
    } catch (error) {
      throw toAuditWriteError(error);
    }
  }

  async search(filter: AuditFilter, after: string | undefined, limit: number): Promise<StoredAuditEvent[]> {
    let query = this.rows(after);
    if (filter.type !== undefined) query = query.where('type', 'in', textKeysMatching(filter.type));
    if (filter.key !== undefined) query = query.where('event_key', 'in', textKeysMatching(filter.key));
    if (filter.subject !== undefined) query = query.where('subject', 'in', textKeysMatching(filter.subject));
    if (filter.source !== undefined) query = query.where('source', 'in', textKeysMatching(filter.source));
    if (filter.from !== undefined) query = query.where('event_time', '>=', new Date(filter.from));
    if (filter.to !== undefined) query = query.where('event_time', '<', new Date(filter.to));
    return (await query.limit(limit).execute()).map(fromRow);
  }

  async findById(eventId: string): Promise<StoredAuditEvent | undefined> {
    const row = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('event_id', 'in', textKeysMatching(eventId))
      .orderBy('sequence')
      .limit(1)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async chainPage(scope: VerifyScope, after: string | undefined, limit: number): Promise<StoredAuditEvent[]> {
    let query = this.rows(after);
    if (scope.topic !== undefined) query = query.where('topic', '=', scope.topic);
    if (scope.partition !== undefined) query = query.where('kafka_partition', '=', scope.partition);
    if (scope.fromOffset !== undefined) query = query.where('kafka_offset', '>=', scope.fromOffset);
    if (scope.toOffset !== undefined) query = query.where('kafka_offset', '<=', scope.toOffset);
    return (await query.limit(limit).execute()).map(fromRow);
  }

  async hashBefore(topic: string, partition: number, sequence: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('audit_events')
      .select('hash')
      .where('topic', '=', topic)
      .where('kafka_partition', '=', partition)
      .where('sequence', '<', sequence)
      .orderBy('sequence', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.hash;
  }

  private rows(after: string | undefined): AuditQuery {
    const query = this.db.selectFrom('audit_events').selectAll().orderBy('sequence');
    return after === undefined ? query : query.where('sequence', '>', after);
  }
}
