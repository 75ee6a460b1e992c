/**
 * The API keys' table in the gateway's Postgres schema (`gateway`). Two kinds of program migrate
 * that schema: the gateway app, which owns it (its full list, with its idempotency tables, is
 * `apps/gateway/src/storage/gateway-migrations.ts` and includes these), and programs that only
 * manage keys (`herald keys`, test kits), which may run before the gateway ever did.
 *
 * Migration names are ordered across the whole schema: a new one here or in the gateway takes the
 * next number of both lists.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const GATEWAY_SCHEMA = 'gateway';

export const apiKeyMigrations: Readonly<Record<string, Migration>> = {
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
};

/** Kysely's default migration table, kept inside the migrated schema (`migrateSchema`). */
const MIGRATION_TABLE = 'kysely_migration';

/**
 * What a program that only manages keys migrates the gateway schema with: the API keys' migrations,
 * plus a stand-in for each migration the gateway app already ran there (Kysely refuses to migrate
 * when a migration it ran is missing from the list). A stand-in is never run: it stands for a
 * migration that is done. A gateway migrating the same empty database at the same instant can make
 * this fail once (the gateway's migration appears in between); running it again succeeds.
 */
export async function apiKeyMigrationsBesideGateway<DB>(
  db: Kysely<DB>,
  schema: string = GATEWAY_SCHEMA,
): Promise<Readonly<Record<string, Migration>>> {
  const table = await sql<{ found: string | null }>`
    SELECT to_regclass(format('%I.%I', ${schema}::text, ${MIGRATION_TABLE}::text))::text AS found`.execute(
    db,
  );
  if (table.rows[0]?.found == null) return apiKeyMigrations;
  const ran = await sql<{
    name: string;
  }>`SELECT name FROM ${sql.table(`${schema}.${MIGRATION_TABLE}`)}`.execute(db);
  const migrations: Record<string, Migration> = { ...apiKeyMigrations };
  for (const { name } of ran.rows) {
    migrations[name] ??= {
      up: () => Promise.reject(new Error(`migration ${name} belongs to the gateway app and has already run`)),
    };
  }
  return migrations;
}
