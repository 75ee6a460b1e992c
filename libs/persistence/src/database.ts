/**
 * PostgreSQL access for Herald apps: Kysely over node-postgres. Each app owns one Postgres
 * schema; its pool pins `search_path` to that schema so every query — builder or raw SQL —
 * lands there, and its migrations are tracked inside it.
 */
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationResultSet } from 'kysely';
import { Client, Pool } from 'pg';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export class PersistenceError extends Error {
  override name = 'PersistenceError';
}

export function assertIdentifier(kind: string, value: string): void {
  if (!IDENTIFIER.test(value)) {
    throw new PersistenceError(
      `${kind} "${value}" is not a plain lower-case Postgres identifier (letters, digits, _; at most 63)`,
    );
  }
}

/** Creates the database named in `url` when it does not exist yet (idempotent, race-safe). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  assertIdentifier('database', name);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new PersistenceError(
      `cannot reach PostgreSQL at ${target.host} (${error instanceof Error ? error.message : String(error)}); ` +
        'is it running, and is DATABASE_URL right?',
    );
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
        // Another process created it between our check and create: 42P04 duplicate_database,
        // or 23505 unique_violation on pg_database when both CREATEs ran at the same time.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

export interface DatabaseOptions {
  readonly url: string;
  /** The Postgres schema this app owns, e.g. `audit`. */
  readonly schema: string;
  readonly maxConnections?: number;
  /** Session settings for every connection (`synchronous_commit: 'off'` …), names and values checked. */
  readonly settings?: Readonly<Record<string, string>>;
}

const SETTING = /^[a-z_][a-z0-9_.]*$/;
const SETTING_VALUE = /^[A-Za-z0-9_.-]+$/;

function sessionOptions(options: DatabaseOptions): string {
  const settings = { search_path: options.schema, ...options.settings };
  return Object.entries(settings)
    .map(([name, value]) => {
      if (!SETTING.test(name) || !SETTING_VALUE.test(value)) {
        throw new PersistenceError(`session setting ${name}=${value} is not a plain Postgres setting`);
      }
      return `-c ${name}=${value}`;
    })
    .join(' ');
}

export function createDatabase<DB>(options: DatabaseOptions): Kysely<DB> {
  assertIdentifier('schema', options.schema);
  const pool = new Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    options: sessionOptions(options),
  });
  // An idle connection the server closes (restart, 57P01 admin shutdown) is emitted on the
  // pool; without a listener node-postgres' 'error' event would crash the process. The pool
  // drops that client and the next query opens a fresh one.
  pool.on('error', () => undefined);
  // A client checked out of the pool (a transaction between its queries) has no idle listener:
  // the same server shutdown, arriving while no query runs on it, would be an unhandled 'error'
  // event and crash the app (seen in test/chaos/postgres-restart). The holder still gets the error
  // from its next query, and the pool discards the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Creates the schema if needed and applies pending migrations in name order, each in its
 * own transaction. Throws with the failing migration's name and error.
 */
export async function migrateSchema<DB>(
  db: Kysely<DB>,
  schema: string,
  migrations: Readonly<Record<string, Migration>>,
): Promise<MigrationResultSet> {
  assertIdentifier('schema', schema);
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    // Migrations work on the untyped database: they create the tables the DB type describes.
    db: db as Kysely<unknown>,
    migrationTableSchema: schema,
    provider: { getMigrations: async () => ({ ...migrations }) },
  });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new PersistenceError(`migration ${schema}/${failed} failed: ${reason}`);
  }
  return result;
}
