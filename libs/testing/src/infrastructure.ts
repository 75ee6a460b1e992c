/**
 * The real infrastructure for integration and end-to-end tests: the Kafka the global setup
 * found or started (KAFKA_BROKERS) and PostgreSQL (DATABASE_URL), with a throw-away schema
 * per test.
 */
import { sql, type Kysely } from 'kysely';
import { kafkaSecurityFromEnv } from '@app/config';
import { createDatabase, ensureDatabase } from '@app/persistence';
import { createKafka } from '@app/kafka';
import { logLevel, type Kafka } from 'kafkajs';
import { uniqueIdentifier } from './names';

export function testBrokers(): string[] {
  return (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
}

export function testDatabaseUrl(): string {
  return process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/herald';
}

/**
 * A kafkajs client on the test cluster. kafkajs logs retriable protocol errors (a coordinator
 * still loading, a leader moving) at ERROR before it retries them; tests assert outcomes, so
 * only log what the caller asks for.
 */
export function testKafka(clientId = 'herald-test', level: logLevel = logLevel.NOTHING): Kafka {
  // KAFKA_SSL* / KAFKA_SASL_* too: the suite may run against a secure cluster, as the apps it boots do.
  return createKafka(
    { brokers: testBrokers(), clientId, ...kafkaSecurityFromEnv(process.env) },
    { logLevel: level },
  );
}

export interface TestSchema<DB> {
  readonly schema: string;
  readonly db: Kysely<DB>;
  /** Drops the schema and everything in it, then closes the pool. */
  drop(): Promise<void>;
}

export async function createTestSchema<DB = unknown>(prefix = 'test'): Promise<TestSchema<DB>> {
  const url = testDatabaseUrl();
  await ensureDatabase(url);
  const schema = uniqueIdentifier(prefix);
  const db = createDatabase<DB>({ url, schema, maxConnections: 4 });
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
  return {
    schema,
    db,
    drop: async () => {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
      await db.destroy();
    },
  };
}
