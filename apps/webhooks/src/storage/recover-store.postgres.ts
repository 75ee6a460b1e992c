/**
 * The deliveries a recover job works on: an endpoint's failed deliveries created in a window,
 * taken in id order (dlv_<uuidv7>: creation order) with a keyset, so a resumed job continues after
 * the last one it made due. Making a delivery due is what a retry does: pending, due now, its
 * attempt count kept (the next attempt is recorded like any), and the workers notified.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { DELIVERIES_CHANNEL } from './fan-out-store';

export interface RecoverWindow {
  readonly endpointId: string;
  readonly since: Date;
  readonly until: Date;
}

function failedIn(window: RecoverWindow, afterId: string) {
  return sql`endpoint_id = ${window.endpointId} AND status = 'failed'
    AND created_at >= ${window.since.toISOString()}::timestamptz
    AND created_at < ${window.until.toISOString()}::timestamptz AND id > ${afterId}`;
}

export class PostgresRecoverStore {
  constructor(private readonly db: Kysely<unknown>) {}

  /** How many failed deliveries the window holds, counting no further than `cap`. */
  async countFailed(window: RecoverWindow, cap: number): Promise<number> {
    const { rows } = await sql<{ n: string }>`
      SELECT count(*)::text AS n FROM (
        SELECT 1 FROM deliveries WHERE ${failedIn(window, '')} LIMIT ${cap}) capped`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Makes the next `limit` failed deliveries after `afterId` due now: how many, and the last id
   * (in PostgreSQL's order, the keyset's).
   */
  async recoverIn(
    tx: Transaction<unknown>,
    window: RecoverWindow,
    afterId: string,
    limit: number,
  ): Promise<{ count: number; lastId: string | null }> {
    const { rows } = await sql<{ count: number; last_id: string | null }>`
      WITH picked AS (
        SELECT id FROM deliveries WHERE ${failedIn(window, afterId)}
        ORDER BY id LIMIT ${limit} FOR UPDATE),
      moved AS (
        UPDATE deliveries d SET status = 'pending', next_attempt_at = now(), updated_at = now()
        FROM picked WHERE d.id = picked.id
        RETURNING d.id)
      SELECT count(*)::int AS count, max(id) AS last_id FROM moved`.execute(tx);
    const count = rows[0]?.count ?? 0;
    if (count > 0) await sql`SELECT pg_notify(${DELIVERIES_CHANNEL}, '')`.execute(tx);
    return { count, lastId: rows[0]?.last_id ?? null };
  }

  async failedAfter(window: RecoverWindow, afterId: string): Promise<boolean> {
    const { rows } = await sql`
      SELECT 1 FROM deliveries WHERE ${failedIn(window, afterId)} LIMIT 1`.execute(this.db);
    return rows.length > 0;
  }
}
