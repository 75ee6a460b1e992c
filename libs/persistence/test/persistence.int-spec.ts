/**
 * Real PostgreSQL: databases are created when missing, each app's migrations land in its own
 * schema (and only there), re-running them is a no-op, and a failing migration names itself.
 */
import { sql, type Migration } from 'kysely';
import { Client } from 'pg';
import fc from 'fast-check';
import {
  createDatabase,
  ensureDatabase,
  integerArrayLiteral,
  migrateSchema,
  textArrayLiteral,
} from '@app/persistence';
import { testDatabaseUrl, uniqueIdentifier } from '@app/testing';

const migrations: Record<string, Migration> = {
  '0001_events': {
    up: async (db) => {
      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .execute();
    },
  },
  '0002_events_type': {
    up: async (db) => {
      await db.schema.alterTable('events').addColumn('type', 'text').execute();
    },
  },
};

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery<T extends object>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: withDatabase(testDatabaseUrl(), 'postgres') });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('persistence (real PostgreSQL)', () => {
  it('creates a missing database, and accepts an existing one', async () => {
    const name = uniqueIdentifier('herald_db');
    const url = withDatabase(testDatabaseUrl(), name);
    try {
      await ensureDatabase(url);
      await ensureDatabase(url);
      const rows = await adminQuery('SELECT datname FROM pg_database WHERE datname = $1', [name]);
      expect(rows).toHaveLength(1);
    } finally {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}"`);
    }
  });

  it('migrates into the app schema only, idempotently, and queries land there', async () => {
    const url = testDatabaseUrl();
    await ensureDatabase(url);
    const schema = uniqueIdentifier('app');
    const db = createDatabase<{ events: { id: string; type: string | null } }>({ url, schema });
    try {
      const first = await migrateSchema(db, schema, migrations);
      expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual([
        ['0001_events', 'Success'],
        ['0002_events_type', 'Success'],
      ]);
      const again = await migrateSchema(db, schema, migrations);
      expect(again.results).toEqual([]);

      await db.insertInto('events').values({ id: 'e1', type: 'orders.order.shipped' }).execute();
      const tables = await sql<{ table_schema: string }>`
        SELECT table_schema FROM information_schema.tables WHERE table_name = 'events' AND table_schema = ${schema}
      `.execute(db);
      expect(tables.rows).toEqual([{ table_schema: schema }]);
      const stored = await sql<{ id: string }>`SELECT id FROM ${sql.id(schema)}.events`.execute(db);
      expect(stored.rows).toEqual([{ id: 'e1' }]);
    } finally {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
      await db.destroy();
    }
  });

  it('reports which migration failed and why', async () => {
    const url = testDatabaseUrl();
    const schema = uniqueIdentifier('broken');
    const db = createDatabase({ url, schema });
    try {
      await expect(
        migrateSchema(db, schema, {
          '0001_bad': {
            up: async (tx) => {
              await sql`SELECT * FROM no_such_table`.execute(tx);
            },
          },
        }),
      ).rejects.toThrow(`migration ${schema}/0001_bad failed: relation "no_such_table" does not exist`);
    } finally {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
      await db.destroy();
    }
  });

  it('array literals carry any text and every safe integer through unnest unchanged', async () => {
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const awkward = ['', 'NULL', 'null', ' spaced ', 'a,b', '{x}', '"', '\\', '\\"', 'é€😀', "it's"];
      const listed = await client.query<{ v: string }>('SELECT unnest($1::text[]) AS v', [
        textArrayLiteral(awkward),
      ]);
      expect(listed.rows.map((r) => r.v)).toEqual(awkward);
      await fc.assert(
        fc.asyncProperty(
          // PostgreSQL text holds no U+0000; well-formed strings only (as UTF-8 on the wire).
          fc.array(
            fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
            { maxLength: 20 },
          ),
          fc.array(fc.maxSafeInteger(), { maxLength: 20 }),
          async (texts, integers) => {
            const texts2 = await client.query<{ v: string }>('SELECT unnest($1::text[]) AS v', [
              textArrayLiteral(texts),
            ]);
            expect(texts2.rows.map((r) => r.v)).toEqual(texts);
            const ints = await client.query<{ v: string }>('SELECT unnest($1::bigint[])::text AS v', [
              integerArrayLiteral(integers),
            ]);
            expect(ints.rows.map((r) => Number(r.v))).toEqual(integers);
          },
        ),
        { numRuns: 200 },
      );
      expect(() => textArrayLiteral(['ok', 'a\0b'])).toThrow('not storable as PostgreSQL text: "a\\u0000b"');
      expect(() => textArrayLiteral(['x\ud800'])).toThrow('not storable as PostgreSQL text: "x\\ud800"');
      expect(() => integerArrayLiteral([1, 2.5])).toThrow('not a safe integer: 2.5');
      expect(() => integerArrayLiteral([2 ** 53])).toThrow(RangeError);
    } finally {
      await client.end();
    }
  });
});
