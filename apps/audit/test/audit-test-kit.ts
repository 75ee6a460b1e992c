/**
 * Shared set-up of audit's integration tests: a migrated throw-away schema on the real
 * PostgreSQL, the Postgres store and recorder on it, and valid events.
 */
import { sql, type Kysely } from 'kysely';
import { Client } from 'pg';
import { migrateSchema } from '@app/persistence';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@app/testing';
import type { AuditEvent } from '../src/domain/audit-event';
import { AuditRecorder, type ConsumedEnvelope } from '../src/domain/audit-recorder';
import { AUDIT_MIGRATIONS } from '../src/storage/audit-migrations';
import type { AuditDatabase } from '../src/storage/audit-tables';
import { PostgresAuditStore } from '../src/storage/postgres-audit-store';

export interface AuditSchema extends TestSchema<AuditDatabase> {
  readonly store: PostgresAuditStore;
  recorder(): AuditRecorder;
}

export async function createAuditSchema(): Promise<AuditSchema> {
  const test = await createTestSchema<AuditDatabase>('audit_it');
  await migrateSchema(test.db, test.schema, AUDIT_MIGRATIONS);
  const store = new PostgresAuditStore(test.db);
  return {
    ...test,
    store,
    recorder: () => new AuditRecorder(store, { now: () => new Date() }, { recorded: () => undefined }),
  };
}

/** Runs SQL as the superuser on a connection of its own (search_path = the test schema). */
export async function asSuperuser<T>(schema: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseUrl(), options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export const ORDER_SCHEMA = {
  type: 'record',
  name: 'OrderShipped',
  namespace: 'test',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'long' },
  ],
};

/** An envelope of a consumed `orders.order.shipped`-like event; the avsc value goes beside it. */
export function consumed(n: number, overrides: Partial<ConsumedEnvelope> = {}): ConsumedEnvelope {
  return {
    id: `evt-${n}`,
    type: 'orders.order.shipped',
    version: 1,
    schemaId: 1,
    writerSchema: ORDER_SCHEMA,
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    source: n % 2 === 0 ? 'shop' : 'warehouse',
    key: `order-${n % 5}`,
    headers: { ce_id: `evt-${n}` },
    topic: 'orders.order.shipped',
    partition: n % 3,
    offset: String(n),
    timestamp: String(Date.UTC(2026, 0, 1)),
    ...overrides,
  };
}

export const orderValue = (n: number) => ({ orderId: `order-${n % 5}`, amount: BigInt(n * 100) });

export async function countRows(db: Kysely<AuditDatabase>): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_events`.execute(db);
  return Number(rows[0]?.n);
}

export type { AuditEvent };
