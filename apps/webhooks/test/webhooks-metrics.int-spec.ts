/**
 * The webhooks app's backlog gauges on real PostgreSQL: one scrape reports the due and scheduled
 * pending deliveries and the age of the oldest due one from the same read, so the age drops to 0
 * in the very scrape where the backlog drains (it once lagged a scrape behind and showed minutes
 * of waiting over an empty queue).
 */
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { migrateSchema } from '@app/persistence';
import { createTestSchema, type TestSchema } from '@app/testing';
import { WEBHOOKS_MIGRATIONS } from '../src/storage/webhooks-migrations';
import { WebhooksMetrics } from '../src/webhooks-metrics';

describe('WebhooksMetrics backlog gauges (real PostgreSQL)', () => {
  let schema: TestSchema<unknown>;
  let registry: Registry;

  beforeEach(async () => {
    schema = await createTestSchema('webhooks_metrics');
    await migrateSchema(schema.db, schema.schema, WEBHOOKS_MIGRATIONS);
    registry = new Registry();
    new WebhooksMetrics(registry, schema.db);
    await sql`INSERT INTO endpoints (id, url, types) VALUES ('ep1', 'https://example.com', '{*}')`.execute(
      schema.db,
    );
  });
  afterEach(() => schema.drop());

  async function pending(index: number, dueInSeconds: number): Promise<void> {
    const { rows } = await sql<{ id: string }>`
      INSERT INTO messages (event_id, type, topic, kafka_partition, kafka_offset, time, source, value)
      VALUES (${`e${index}`}, 'a.b.c', 'a.b.c', 0, ${index}, '', 's', '\\x00') RETURNING id::text`.execute(
      schema.db,
    );
    await sql`INSERT INTO deliveries (id, endpoint_id, message_id, event_id, type, next_attempt_at)
              VALUES (${`dlv_${index}`}, 'ep1', ${rows[0]!.id}::bigint, ${`e${index}`}, 'a.b.c',
                      now() + make_interval(secs => ${dueInSeconds}))`.execute(schema.db);
  }

  async function scrape(): Promise<{ due: number; scheduled: number; oldest: number }> {
    const text = await registry.metrics();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    return {
      due: value(/^herald_webhooks_backlog\{state="due"\} (\S+)$/m),
      scheduled: value(/^herald_webhooks_backlog\{state="scheduled"\} (\S+)$/m),
      oldest: value(/^herald_webhooks_oldest_due_seconds (\S+)$/m),
    };
  }

  it('reports the backlog and the oldest due age from one read, and 0 as soon as it drains', async () => {
    await pending(1, -120);
    await pending(2, -30);
    await pending(3, 600);

    const before = await scrape();
    expect(before.due).toBe(2);
    expect(before.scheduled).toBe(1);
    expect(before.oldest).toBeGreaterThanOrEqual(120);
    expect(before.oldest).toBeLessThan(180);

    await sql`UPDATE deliveries SET status = 'delivered'`.execute(schema.db);
    expect(await scrape()).toEqual({ due: 0, scheduled: 0, oldest: 0 });
  });
});
