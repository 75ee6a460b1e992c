/**
 * The gateway's Postgres schema (`gateway`): API keys and the idempotency window. Shared by
 * the gateway app and the `herald keys` CLI, which both migrate it, so the migration list
 * lives here and not in either app.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const GATEWAY_SCHEMA = 'gateway';

export const gatewayMigrations: Record<string, Migration> = {
  '0001_api_keys': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE api_keys (
          id text PRIMARY KEY,
          secret_hash text NOT NULL UNIQUE,
          hint text NOT NULL,
          producer text NOT NULL,
          patterns text[] NOT NULL CHECK (cardinality(patterns) > 0),
          rate_limit_per_second integer CHECK (rate_limit_per_second > 0),
          created_at timestamptz NOT NULL DEFAULT now(),
          revoked_at timestamptz
        )`.execute(db);
    },
  },
  '0002_published_events': {
    async up(db: Kysely<unknown>) {
      // One row per event id inside the dedupe window. A row is claimed (result NULL) before
      // the Kafka send and completed with the coordinates after the ack; see
      // apps/gateway/src/storage/postgres-idempotency.store.ts for the protocol.
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
};
