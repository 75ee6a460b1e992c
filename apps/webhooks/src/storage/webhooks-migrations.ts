/**
 * The webhooks schema:
 * - `endpoints`: subscribers (URL, type patterns, tenant, version pins, rate limit, ordering);
 * - `endpoint_secrets`: signing secrets, AES-256-GCM encrypted with a key id; a rotated-out
 *   secret keeps signing until `expires_at`;
 * - `messages`: each fanned-out event once (its Avro bytes, so each endpoint's pinned version is
 *   resolved at delivery time), unique by Kafka coordinates;
 * - `deliveries`: one row per (message, endpoint), written in the fan-out transaction with the
 *   partition's position (consumer_positions), claimed by workers with FOR UPDATE SKIP LOCKED;
 * - `attempts`: every HTTP attempt with its outcome, pruned after a retention period;
 * - `endpoint_rate_windows` (0002): per rate-limited endpoint, the 1-second window of PostgreSQL's
 *   clock being counted and how many deliveries were claimed in it (see delivery-store.ts);
 * - `endpoints.format` (0003): the body's shape, `standard` or `cloudevents` (domain/endpoint.ts);
 * - operations (0004): `jobs` (recover and replay, claimed by one instance with a lease, their
 *   progress and cursor written in the same transaction as the deliveries they create); a
 *   delivery's `origin` (`event`, `replay`, `test`) and `job_id`; a replayed event is stored again
 *   per job (`messages.job_id`: unique per job and coordinates, so a resumed job adds nothing
 *   twice, and the (endpoint, message) key still holds one delivery each); a test event has no
 *   Kafka coordinates; each attempt keeps the request sent (`attempts.request`).
 * Deleting an endpoint deletes its deliveries and attempts (ON DELETE CASCADE): nothing waits on it.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { CONSUMER_POSITION_STATEMENTS } from '@app/persistence';

const STATEMENTS = [
  `CREATE TABLE endpoints (
     id             text PRIMARY KEY,
     url            text        NOT NULL,
     description    text        NOT NULL DEFAULT '',
     types          text[]      NOT NULL,
     tenant         text,
     versions       jsonb       NOT NULL DEFAULT '{}',
     rate_limit     integer CHECK (rate_limit IS NULL OR rate_limit > 0),
     ordered        boolean     NOT NULL DEFAULT false,
     metadata       jsonb       NOT NULL DEFAULT '{}',
     enabled        boolean     NOT NULL DEFAULT true,
     disabled_reason text,
     failing_since  timestamptz,
     created_at     timestamptz NOT NULL DEFAULT now(),
     updated_at     timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE endpoint_secrets (
     endpoint_id text        NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
     serial      integer     NOT NULL,
     key_id      text        NOT NULL,
     ciphertext  bytea       NOT NULL,
     created_at  timestamptz NOT NULL DEFAULT now(),
     expires_at  timestamptz,
     PRIMARY KEY (endpoint_id, serial)
   )`,
  `CREATE TABLE messages (
     id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     event_id        text        NOT NULL,
     type            text        NOT NULL,
     topic           text        NOT NULL,
     kafka_partition integer     NOT NULL,
     kafka_offset    bigint      NOT NULL,
     time            text        NOT NULL,
     source          text        NOT NULL,
     subject         text,
     traceparent     text,
     value           bytea       NOT NULL,
     created_at      timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT messages_coordinates_key UNIQUE (topic, kafka_partition, kafka_offset)
   )`,
  `CREATE TABLE deliveries (
     id              text PRIMARY KEY,
     endpoint_id     text        NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
     message_id      bigint      NOT NULL REFERENCES messages (id),
     event_id        text        NOT NULL,
     type            text        NOT NULL,
     status          text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivered', 'failed')),
     attempts        integer     NOT NULL DEFAULT 0,
     next_attempt_at timestamptz,
     last_error      text,
     last_status     integer,
     created_at      timestamptz NOT NULL DEFAULT now(),
     updated_at      timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT deliveries_pair_key UNIQUE (endpoint_id, message_id)
   )`,
  // Workers take due pending rows in time order; the partial index holds only those.
  `CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending'`,
  // Ordered endpoints deliver in message order: the oldest pending row of the endpoint goes first.
  `CREATE INDEX deliveries_endpoint_pending_idx ON deliveries (endpoint_id, message_id) WHERE status = 'pending'`,
  `CREATE INDEX deliveries_endpoint_idx ON deliveries (endpoint_id, id)`,
  `CREATE INDEX deliveries_status_idx ON deliveries (status, id)`,
  `CREATE TABLE attempts (
     id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     delivery_id   text        NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
     attempted_at  timestamptz NOT NULL,
     status_code   integer,
     latency_ms    integer     NOT NULL,
     outcome       text        NOT NULL,
     error         text,
     response_headers text,
     response_body text
   )`,
  `CREATE INDEX attempts_delivery_idx ON attempts (delivery_id, id)`,
  `CREATE INDEX attempts_time_idx ON attempts (attempted_at)`,
  ...CONSUMER_POSITION_STATEMENTS,
];

// No foreign key to endpoints on purpose: the claim writes a window row while it holds delivery
// row locks, and a foreign-key check there would wait on (and could deadlock with) an endpoint
// being deleted, whose cascade waits on those delivery locks. A row whose window has passed says
// nothing, so rows of deleted endpoints are simply pruned with the other stale windows.
const RATE_LIMIT_STATEMENTS = [
  `CREATE TABLE endpoint_rate_windows (
     endpoint_id  text PRIMARY KEY,
     window_start timestamptz NOT NULL,
     used         integer     NOT NULL,
     granted      integer     NOT NULL
   )`,
];

// A constant default makes the new column a catalog-only change (no table rewrite); existing
// endpoints keep the body they have always received.
const BODY_FORMAT_STATEMENTS = [
  `ALTER TABLE endpoints ADD COLUMN format text NOT NULL DEFAULT 'standard'
     CONSTRAINT endpoints_format_check CHECK (format IN ('standard', 'cloudevents'))`,
];

// Fanned-out events keep their (topic, partition, offset) key, now partial (job_id IS NULL: the
// fan-out names the predicate in its ON CONFLICT); a replay job's copies are unique per job. Test
// events have no coordinates (NULLs never conflict). Each index is built before the old constraint
// goes, so uniqueness holds throughout the migration's transaction.
const OPERATIONS_STATEMENTS = [
  `CREATE TABLE jobs (
     id              text PRIMARY KEY,
     kind            text        NOT NULL CHECK (kind IN ('recover', 'replay')),
     endpoint_id     text        NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
     state           text        NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
     since           timestamptz NOT NULL,
     until           timestamptz,
     done            bigint      NOT NULL DEFAULT 0,
     total           bigint,
     cursor          jsonb,
     result          jsonb,
     error           text,
     runs            integer     NOT NULL DEFAULT 0,
     lease_owner     text,
     lease_until     timestamptz,
     created_at      timestamptz NOT NULL DEFAULT now(),
     started_at      timestamptz,
     finished_at     timestamptz,
     updated_at      timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX jobs_claim_idx ON jobs (created_at) WHERE state IN ('queued', 'running')`,
  `CREATE INDEX jobs_endpoint_idx ON jobs (endpoint_id, id)`,
  `ALTER TABLE messages ADD COLUMN job_id text REFERENCES jobs (id) ON DELETE CASCADE,
     ALTER COLUMN kafka_partition DROP NOT NULL, ALTER COLUMN kafka_offset DROP NOT NULL`,
  `CREATE UNIQUE INDEX messages_event_coordinates_key ON messages (topic, kafka_partition, kafka_offset)
     WHERE job_id IS NULL`,
  `CREATE UNIQUE INDEX messages_job_coordinates_key ON messages (job_id, topic, kafka_partition, kafka_offset)
     WHERE job_id IS NOT NULL`,
  `ALTER TABLE messages DROP CONSTRAINT messages_coordinates_key`,
  `ALTER TABLE deliveries
     ADD COLUMN origin text NOT NULL DEFAULT 'event' CONSTRAINT deliveries_origin_check CHECK (origin IN ('event', 'replay', 'test')),
     ADD COLUMN job_id text REFERENCES jobs (id) ON DELETE SET NULL`,
  `CREATE INDEX deliveries_job_idx ON deliveries (job_id) WHERE job_id IS NOT NULL`,
  `ALTER TABLE attempts ADD COLUMN request text`,
];

export const WEBHOOKS_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_webhooks': {
    up: async (db: Kysely<unknown>) => {
      for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
    },
  },
  '0002_rate_limits': {
    up: async (db: Kysely<unknown>) => {
      for (const statement of RATE_LIMIT_STATEMENTS) await sql.raw(statement).execute(db);
    },
  },
  '0003_body_formats': {
    up: async (db: Kysely<unknown>) => {
      for (const statement of BODY_FORMAT_STATEMENTS) await sql.raw(statement).execute(db);
    },
  },
  '0004_operations': {
    up: async (db: Kysely<unknown>) => {
      for (const statement of OPERATIONS_STATEMENTS) await sql.raw(statement).execute(db);
    },
  },
};
