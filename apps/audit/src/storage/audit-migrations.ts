/**
 * The audit schema. `audit_events` is append-only and the database enforces it: row triggers
 * reject UPDATE and DELETE, a statement trigger rejects TRUNCATE, for every role including the
 * table owner. Only a superuser can switch the triggers off, and then the hash chain (checked by
 * POST /v1/audit/verify) shows what changed. Every filter of the query API has an index that
 * ends in `sequence`, so a filtered keyset page is an index range scan.
 *
 * 0002 stores what `jsonb` and `text` cannot hold (docs/audit.md, "Storage form"): the payload
 * and headers as JSON text, and the exact value of a text column that holds a key form. Rows
 * stored before it keep their `jsonb` columns untouched (the table is append-only: no UPDATE,
 * and no table rewrite either, so the migration is instant on a table of any size).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { CONSUMER_POSITION_STATEMENTS } from '@app/persistence';

const CREATE_TABLE = `
CREATE TABLE audit_events (
  sequence        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id        text        NOT NULL,
  type            text        NOT NULL,
  schema_version  integer     NOT NULL,
  schema_id       integer     NOT NULL,
  source          text        NOT NULL,
  subject         text,
  event_key       text,
  time            text        NOT NULL,
  event_time      timestamptz NOT NULL,
  topic           text        NOT NULL,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  kafka_timestamp timestamptz NOT NULL,
  headers         jsonb       NOT NULL,
  data            jsonb       NOT NULL,
  ingested_at     timestamptz NOT NULL,
  prev_hash       text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash            text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT audit_events_event_id_key UNIQUE (event_id),
  CONSTRAINT audit_events_coordinates_key UNIQUE (topic, kafka_partition, kafka_offset)
)`;

const REJECT_CHANGES = `
CREATE FUNCTION audit_events_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$`;

const STATEMENTS = [
  CREATE_TABLE,
  'CREATE INDEX audit_events_chain_idx ON audit_events (topic, kafka_partition, sequence)',
  'CREATE INDEX audit_events_type_idx ON audit_events (type, sequence)',
  'CREATE INDEX audit_events_key_idx ON audit_events (event_key, sequence)',
  'CREATE INDEX audit_events_subject_idx ON audit_events (subject, sequence)',
  'CREATE INDEX audit_events_source_idx ON audit_events (source, sequence)',
  'CREATE INDEX audit_events_event_time_idx ON audit_events (event_time, sequence)',
  REJECT_CHANGES,
  `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
     FOR EACH ROW EXECUTE FUNCTION audit_events_reject_change()`,
  `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
     FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change()`,
  // Owners and superusers keep their rights whatever is revoked; the triggers above bind them.
  // The revoke documents intent and binds any other role granted access to the schema.
  'REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC',
];

const STORE_EXACT_TEXT = [
  'ALTER TABLE audit_events ADD COLUMN data_json text, ADD COLUMN headers_json text, ADD COLUMN exact_values text',
  'ALTER TABLE audit_events ALTER COLUMN data DROP NOT NULL, ALTER COLUMN headers DROP NOT NULL',
  // Each row has exactly one form of each. NOT VALID skips scanning the old rows, which satisfy
  // it by construction (data and headers were NOT NULL); every new row is checked.
  `ALTER TABLE audit_events
     ADD CONSTRAINT audit_events_one_data CHECK ((data IS NULL) <> (data_json IS NULL)) NOT VALID,
     ADD CONSTRAINT audit_events_one_headers CHECK ((headers IS NULL) <> (headers_json IS NULL)) NOT VALID`,
];

export const AUDIT_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_audit_events': {
    up: async (db: Kysely<unknown>) => {
      for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
    },
  },
  '0002_exact_text': {
    up: async (db: Kysely<unknown>) => {
      for (const statement of STORE_EXACT_TEXT) await sql.raw(statement).execute(db);
    },
  },
  '0003_consumer_positions': {
    up: async (db: Kysely<unknown>) => {
      for (const statement of CONSUMER_POSITION_STATEMENTS) await sql.raw(statement).execute(db);
      // A trail written before positions were stored resumes after its last stored row of each partition.
      await sql`
        INSERT INTO consumer_positions (topic, kafka_partition, next_offset)
        SELECT topic, kafka_partition, max(kafka_offset) + 1 FROM audit_events GROUP BY topic, kafka_partition
      `.execute(db);
    },
  },
};
