// The gateway schema is migrated by two programs: the gateway app (its whole list) and those that
// only manage API keys (`herald keys`, test kits). Either may run first, and each must then find
// the schema as the other left it; the names are those databases already hold.
import { sql } from 'kysely';
import { apiKeyMigrationsBesideGateway } from '@app/api-keys';
import { migrateSchema } from '@app/persistence';
import { createTestSchema, type TestSchema } from '@app/testing';
import { gatewayMigrations } from '../src/storage/gateway-migrations';

async function ran(test: TestSchema<unknown>): Promise<string[]> {
  const rows = await sql<{
    name: string;
  }>`SELECT name FROM ${sql.table(`${test.schema}.kysely_migration`)} ORDER BY name`.execute(test.db);
  return rows.rows.map((row) => row.name);
}

async function tables(test: TestSchema<unknown>): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = ${test.schema} AND table_name NOT LIKE 'kysely_%' ORDER BY table_name`.execute(
    test.db,
  );
  return rows.rows.map((row) => row.name);
}

describe('gateway schema migrations', () => {
  const schemas: Array<TestSchema<unknown>> = [];
  const schema = async () => {
    const test = await createTestSchema('gateway_migr');
    schemas.push(test);
    return test;
  };

  afterAll(async () => {
    await Promise.all(schemas.map((test) => test.drop()));
  });

  it('keeps the names existing databases hold, in order', () => {
    // Later migrations (0004_published_answers, ...) come after these.
    expect(Object.keys(gatewayMigrations).sort().slice(0, 2)).toEqual([
      '0001_api_keys',
      '0002_published_events',
    ]);
  });

  it('keys first, then the gateway: the gateway adds its tables', async () => {
    const test = await schema();
    await migrateSchema(test.db, test.schema, await apiKeyMigrationsBesideGateway(test.db, test.schema));
    expect(await tables(test)).toEqual(['api_keys']);
    await migrateSchema(test.db, test.schema, gatewayMigrations);
    expect(await ran(test)).toEqual(Object.keys(gatewayMigrations).sort());
    expect(await tables(test)).toEqual(
      expect.arrayContaining(['api_keys', 'published_answers', 'published_events']),
    );
  });

  it('the gateway first, then keys: the keys program accepts what the gateway ran', async () => {
    const test = await schema();
    await migrateSchema(test.db, test.schema, gatewayMigrations);
    const result = await migrateSchema(
      test.db,
      test.schema,
      await apiKeyMigrationsBesideGateway(test.db, test.schema),
    );
    expect(result.results).toEqual([]);
    expect(await ran(test)).toEqual(Object.keys(gatewayMigrations).sort());
  });
});
