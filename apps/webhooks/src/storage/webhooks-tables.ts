/**
 * Kysely types of the webhooks schema (webhooks-migrations.ts is the source of truth; a column
 * added there is added here). Stores off the hot paths (endpoints, secrets, jobs) use the query
 * builder over these types; the fan-out, the delivery claim and the attempt records keep their
 * hand-written SQL (one statement each, tuned and measured in docs/benchmarks.md).
 *
 * node-postgres reads `timestamptz` as Date, `jsonb` parsed, `bigint` as text (so no value is
 * rounded) and `text[]` as string[]. `jsonb` is written as JSON text.
 */
import type { ColumnType, Generated } from 'kysely';
import type { EndpointFormat } from '../domain/endpoint';
import type { JobKind, JobResult, JobState } from '../domain/jobs';

/** Set by PostgreSQL (a default or `now()` in the statement), read back as Date. */
type ServerTime = ColumnType<Date, never, never>;
/** A timestamp the store writes (Date or ISO text) and reads back as Date. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** `jsonb`: written as JSON text, read back parsed. */
type Jsonb<T> = ColumnType<T, string, string>;

export interface EndpointsTable {
  id: string;
  url: string;
  description: string;
  types: string[];
  tenant: string | null;
  versions: Jsonb<Record<string, number>>;
  format: EndpointFormat;
  rate_limit: number | null;
  ordered: boolean;
  metadata: Jsonb<Record<string, string>>;
  enabled: Generated<boolean>;
  disabled_reason: Generated<string | null>;
  failing_since: ColumnType<Date | null, never, Date | string | null>;
  created_at: ServerTime;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface EndpointSecretsTable {
  endpoint_id: string;
  serial: number;
  key_id: string;
  ciphertext: Buffer;
  created_at: ServerTime;
  expires_at: ColumnType<Date | null, never, Date | string | null>;
}

export interface JobsTable {
  id: string;
  kind: JobKind;
  endpoint_id: string;
  state: Generated<JobState>;
  since: Timestamp;
  until: ColumnType<Date | null, Date | string | null, Date | string | null>;
  done: ColumnType<string, never, number | string>;
  total: ColumnType<string | null, never, number | string | null>;
  cursor: ColumnType<unknown, string | null, string | null>;
  result: ColumnType<JobResult | null, never, string | null>;
  error: ColumnType<string | null, never, string | null>;
  runs: ColumnType<number, never, number>;
  lease_owner: ColumnType<string | null, never, string | null>;
  lease_until: ColumnType<Date | null, never, Date | string | null>;
  created_at: ServerTime;
  started_at: ColumnType<Date | null, never, Date | string | null>;
  finished_at: ColumnType<Date | null, never, Date | string | null>;
  updated_at: ColumnType<Date, never, Date | string>;
}

/** A type, not an interface: `Kysely#withTables` needs its implicit index signature. */
export type WebhooksDatabase = {
  endpoints: EndpointsTable;
  endpoint_secrets: EndpointSecretsTable;
  jobs: JobsTable;
};
