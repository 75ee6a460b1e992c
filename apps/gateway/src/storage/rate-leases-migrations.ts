/**
 * Migrations of the rate limits' table, listed in gateway-migrations.ts under their numbers.
 */
import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `0003_rate_windows`: each key's current rate-limit window, leased out to every gateway process
 * (postgres-rate-leases.store.ts). UNLOGGED: losing it in a crash only starts windows afresh.
 * Updated in place (HOT: no indexed column changes), with room left on each page for that.
 */
export const rateWindowsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE UNLOGGED TABLE rate_windows (
        key text NOT NULL,
        rate_limit integer NOT NULL,
        started_ms bigint NOT NULL,
        spent integer NOT NULL,
        granted integer NOT NULL,
        PRIMARY KEY (key, rate_limit)
      ) WITH (fillfactor = 50)`.execute(db);
  },
};
