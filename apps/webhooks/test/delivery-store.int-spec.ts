/**
 * The delivery queue on real PostgreSQL: claims share work without overlap (SKIP LOCKED and a
 * lease), an ordered endpoint has one delivery in flight at a time and in order, a disabled
 * endpoint's deliveries wait, finishing records the attempt and moves the endpoint's health, and
 * old attempts of delivered deliveries are pruned in batches. Rate limits: a limited endpoint gets
 * at most its limit of claims per 1-second window of PostgreSQL's clock across concurrent
 * claimers (two stores stand for two instances), held-back deliveries stay pending and untouched,
 * unlimited endpoints are claimed as before, and an ordered limited endpoint stays one at a time.
 */
import { sql } from 'kysely';
import { migrateSchema } from '@app/persistence';
import { createTestSchema, type TestSchema } from '@app/testing';
import { PostgresDeliveryStore, type AttemptRecord } from '../src/storage/delivery-store';
import { WEBHOOKS_MIGRATIONS } from '../src/storage/webhooks-migrations';

const attempt = (outcome: string, statusCode: number | null): AttemptRecord => ({
  attemptedAt: new Date(),
  statusCode,
  latencyMs: 5,
  outcome,
  error: outcome === 'delivered' ? null : outcome,
  responseHeaders: null,
  responseBody: null,
});

describe('PostgresDeliveryStore (real PostgreSQL)', () => {
  let schema: TestSchema<unknown>;
  let store: PostgresDeliveryStore;

  beforeEach(async () => {
    schema = await createTestSchema('webhooks_queue');
    await migrateSchema(schema.db, schema.schema, WEBHOOKS_MIGRATIONS);
    store = new PostgresDeliveryStore(schema.db, 60_000);
  });
  afterEach(() => schema.drop());

  async function endpoint(id: string, ordered = false, rateLimit: number | null = null): Promise<void> {
    await sql`INSERT INTO endpoints (id, url, types, ordered, rate_limit)
              VALUES (${id}, 'https://example.com', '{*}', ${ordered}, ${rateLimit})`.execute(schema.db);
  }

  /** Claims per 1-second window of PostgreSQL's clock: a claim stamps updated_at with its now(). */
  async function claimsPerWindow(endpointId: string): Promise<number[]> {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = ${endpointId} AND attempts > 0
      GROUP BY date_trunc('second', updated_at) ORDER BY 1`.execute(schema.db);
    return rows.map((r) => r.n);
  }

  /** Waits for the first 600 ms of a second, so that a few quick claims share one window. */
  async function earlyInASecond(): Promise<void> {
    const { rows } = await sql<{ ms: number }>`
      SELECT mod(extract(milliseconds FROM clock_timestamp()), 1000)::float8 AS ms`.execute(schema.db);
    const ms = rows[0]!.ms;
    if (ms > 600) await new Promise((resolve) => setTimeout(resolve, 1_005 - ms));
  }

  async function deliveries(endpointId: string, count: number, from = 0): Promise<string[]> {
    const ids: string[] = [];
    for (let i = from; i < from + count; i++) {
      const { rows } = await sql<{ id: string }>`
        INSERT INTO messages (event_id, type, topic, kafka_partition, kafka_offset, time, source, value)
        VALUES (${`e${i}`}, 'a.b.c', 'a.b.c', 0, ${i}, '', 's', '\\x00')
        ON CONFLICT (topic, kafka_partition, kafka_offset) WHERE job_id IS NULL DO UPDATE SET event_id = messages.event_id
        RETURNING id::text`.execute(schema.db);
      const id = `dlv_${endpointId}_${i}`;
      await sql`INSERT INTO deliveries (id, endpoint_id, message_id, event_id, type, next_attempt_at)
                VALUES (${id}, ${endpointId}, ${rows[0]!.id}::bigint, ${`e${i}`}, 'a.b.c', now())`.execute(
        schema.db,
      );
      ids.push(id);
    }
    return ids;
  }

  it('shares due deliveries between concurrent claims without overlap, under a lease', async () => {
    await endpoint('ep1');
    await deliveries('ep1', 20);
    const [a, b] = await Promise.all([store.claim(12, 30_000), store.claim(12, 30_000)]);
    const ids = [...a, ...b].map((d) => d.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(await store.claim(10, 30_000)).toEqual([]); // leased
    expect(a[0]!.attempt).toBe(1);
  });

  it('gives an ordered endpoint one delivery at a time, oldest first, and holds a disabled one', async () => {
    await endpoint('ordered', true);
    await endpoint('off');
    const ids = await deliveries('ordered', 3);
    await deliveries('off', 2, 10);
    await sql`UPDATE endpoints SET enabled = false WHERE id = 'off'`.execute(schema.db);
    for (const expected of ids) {
      const claimed = await store.claim(10, 30_000);
      expect(claimed.map((d) => d.id)).toEqual([expected]);
      expect(await store.claim(10, 30_000)).toEqual([]);
      await store.finish(claimed[0]!, attempt('delivered', 200), { to: 'delivered' });
    }
    expect(await store.claim(10, 30_000)).toEqual([]);
  });

  it('records attempts, schedules retries, and disables an endpoint on 410', async () => {
    await endpoint('ep2');
    await deliveries('ep2', 1);
    const [first] = await store.claim(1, 30_000);
    await store.finish(first!, attempt('http_500', 500), { to: 'pending', delayMs: 0 });
    const [second] = await store.claim(1, 30_000);
    expect(second!.attempt).toBe(2);
    await store.finish(second!, attempt('http_410', 410), {
      to: 'failed',
      disableEndpoint: 'the receiver answered 410 (Gone)',
    });
    const { rows } = await sql<{ enabled: boolean; disabled_reason: string; status: string; n: number }>`
      SELECT e.enabled, e.disabled_reason, d.status, (SELECT count(*)::int FROM attempts) AS n
      FROM endpoints e JOIN deliveries d ON d.endpoint_id = e.id`.execute(schema.db);
    expect(rows[0]).toEqual({
      enabled: false,
      disabled_reason: 'the receiver answered 410 (Gone)',
      status: 'failed',
      n: 2,
    });
  });

  it('prunes old attempts of delivered deliveries only, in batches', async () => {
    await endpoint('ep3');
    const [done, open] = await deliveries('ep3', 2);
    await sql`UPDATE deliveries SET status = 'delivered' WHERE id = ${done}`.execute(schema.db);
    for (const id of [done!, open!]) {
      for (let i = 0; i < 5; i++) {
        await sql`INSERT INTO attempts (delivery_id, attempted_at, latency_ms, outcome)
                  VALUES (${id}, now() - interval '2 days', 1, 'x')`.execute(schema.db);
      }
    }
    await sql`INSERT INTO attempts (delivery_id, attempted_at, latency_ms, outcome) VALUES (${done}, now(), 1, 'x')`.execute(
      schema.db,
    );
    expect(await store.pruneAttempts(86_400_000, 2)).toBe(5);
    const { rows } = await sql<{ delivery_id: string; n: number }>`
      SELECT delivery_id, count(*)::int AS n FROM attempts GROUP BY delivery_id ORDER BY delivery_id`.execute(
      schema.db,
    );
    expect(rows).toEqual([
      { delivery_id: done, n: 1 },
      { delivery_id: open, n: 5 },
    ]);
  });

  describe('rate limits', () => {
    it('claims at most the limit per window across two concurrent claimers, and leaves the rest untouched', async () => {
      await endpoint('limited', false, 5);
      await deliveries('limited', 50);
      const other = new PostgresDeliveryStore(schema.db, 60_000);
      await earlyInASecond();
      const [a, b] = await Promise.all([store.claim(20, 60_000), other.claim(20, 60_000)]);
      expect(a.length + b.length).toBe(5);
      expect(new Set([...a, ...b].map((d) => d.id)).size).toBe(5);
      // The window is full: nothing more now, and the loop is told to wait for the next window.
      expect(await store.claim(20, 60_000)).toEqual([]);
      const wait = await store.nextDueInMs();
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(1_000);

      // Both claimers hammer the queue across several windows.
      const claimed = [...a, ...b].length;
      let total = claimed;
      const deadline = Date.now() + 15_000;
      while (total < 20 && Date.now() < deadline) {
        const [x, y] = await Promise.all([store.claim(7, 60_000), other.claim(7, 60_000)]);
        total += x.length + y.length;
      }
      const windows = await claimsPerWindow('limited');
      expect(windows.length).toBeGreaterThanOrEqual(4);
      expect(Math.max(...windows)).toBeLessThanOrEqual(5);
      expect(windows.reduce((sum, n) => sum + n, 0)).toBe(total);
      const { rows } = await sql<{ pending: number; untouched: number; attempts: number }>`
        SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
               count(*) FILTER (WHERE attempts = 0 AND next_attempt_at <= now())::int AS untouched,
               (SELECT count(*)::int FROM attempts) AS attempts
        FROM deliveries`.execute(schema.db);
      expect(rows[0]).toEqual({ pending: 50, untouched: 50 - total, attempts: 0 });
    });

    it('leaves unlimited endpoints unaffected by a limited backlog due before theirs', async () => {
      await endpoint('slow', false, 2);
      await endpoint('fast');
      await deliveries('slow', 40);
      await deliveries('fast', 40, 100);
      await sql`UPDATE deliveries SET next_attempt_at = now() - interval '1 minute' WHERE endpoint_id = 'slow'`.execute(
        schema.db,
      );
      await earlyInASecond();
      const first = await store.claim(50, 60_000);
      const second = await store.claim(50, 60_000);
      const byEndpoint = (endpointId: string): number =>
        [...first, ...second].filter((d) => d.endpointId === endpointId).length;
      expect(byEndpoint('slow')).toBe(2);
      expect(byEndpoint('fast')).toBe(40);
      const { rows } = await sql<{
        endpoint_id: string;
      }>`SELECT endpoint_id FROM endpoint_rate_windows`.execute(schema.db);
      expect(rows).toEqual([{ endpoint_id: 'slow' }]);
    });

    it('keeps an ordered limited endpoint one delivery at a time, in order, within its limit', async () => {
      await endpoint('both', true, 2);
      const ids = await deliveries('both', 3);
      await earlyInASecond();
      for (const expected of ids.slice(0, 2)) {
        const claimed = await store.claim(10, 60_000);
        expect(claimed.map((d) => d.id)).toEqual([expected]);
        expect(await store.claim(10, 60_000)).toEqual([]);
        await store.finish(claimed[0]!, attempt('delivered', 200), { to: 'delivered' });
      }
      expect(await store.claim(10, 60_000)).toEqual([]); // two claimed in this window
      const wait = await store.nextDueInMs();
      expect(wait).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, wait! + 10));
      expect((await store.claim(10, 60_000)).map((d) => d.id)).toEqual([ids[2]]);
    });

    it('prunes windows that ended over a minute ago', async () => {
      await sql`INSERT INTO endpoint_rate_windows (endpoint_id, window_start, used, granted)
                VALUES ('gone', now() - interval '2 minutes', 3, 3), ('current', date_trunc('second', now()), 1, 1)`.execute(
        schema.db,
      );
      expect(await store.pruneRateWindows()).toBe(1);
      const { rows } = await sql<{
        endpoint_id: string;
      }>`SELECT endpoint_id FROM endpoint_rate_windows`.execute(schema.db);
      expect(rows).toEqual([{ endpoint_id: 'current' }]);
    });
  });
});
