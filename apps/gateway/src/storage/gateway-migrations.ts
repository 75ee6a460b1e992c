/**
 * The gateway's Postgres schema (`gateway`), the whole list the gateway app migrates at boot: the
 * API keys' table (from @app/api-keys, which `herald keys` also migrates) and the idempotency
 * window's. Names and order are those the schema has always had, so existing databases are
 * already up to date; a new migration takes the next number across both lists.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { apiKeyMigrations } from '@app/api-keys';
import { publishedAnswersMigration } from './idempotency-migrations';
import { rateWindowsMigration } from './rate-leases-migrations';

export { GATEWAY_SCHEMA } from '@app/api-keys';

export const gatewayMigrations: Readonly<Record<string, Migration>> = {
  ...apiKeyMigrations,
  '0002_published_events': {
    async up(db: Kysely<unknown>) {
      // One row per event id inside the dedupe window. A row is claimed (result NULL) before
      // the Kafka send and completed with the coordinates after the ack; see
      // postgres-idempotency.store.ts for the protocol.
      await sql`
        CREATE TABLE published_events (
          event_id text PRIMARY KEY,
          fingerprint text NOT NULL,
          claimed_at timestamptz NOT NULL DEFAULT now(),
          claim_token text,
          result jsonb,
          completed_at timestamptz
        )`.execute(db);
      await sql`CREATE INDEX published_events_claimed_at ON published_events (claimed_at)`.execute(db);
    },
  },
  '0003_rate_windows': rateWindowsMigration,
  '0004_published_answers': publishedAnswersMigration,
};
