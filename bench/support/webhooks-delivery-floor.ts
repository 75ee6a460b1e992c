/**
 * The delivery benchmark's floor: the least a delivery loop that keeps its queue in PostgreSQL
 * can do on this machine. In the bench process, on the round's own tables and backlog: claim
 * due deliveries (oldest first, SKIP LOCKED, a lease; the same plan settings as the app's claim),
 * POST each (the same pre-rendered body and headers as the raw loop, `concurrency` in flight),
 * and record the attempts of the responses that arrived meanwhile in one statement (attempt rows
 * inserted, deliveries marked delivered). No rendering, signing, endpoint checks, rate limits,
 * health, metrics or Nest.
 */
import { Pool } from 'pg';
import { Agent } from 'undici';

export interface DeliveryFloorOptions {
  readonly databaseUrl: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly concurrency: number;
  readonly seconds: number;
}

const CLAIM = `
  UPDATE webhooks.deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + interval '45 seconds'
  FROM (SELECT id FROM webhooks.deliveries WHERE status = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) c
  WHERE d.id = c.id RETURNING d.id`;

const RECORD = `
  WITH recorded AS (
    INSERT INTO webhooks.attempts (delivery_id, attempted_at, status_code, latency_ms, outcome)
    SELECT id, now(), status, 1, 'delivered' FROM unnest($1::text[], $2::int[]) AS r(id, status))
  UPDATE webhooks.deliveries d SET status = 'delivered', next_attempt_at = NULL, last_status = r.status, updated_at = now()
  FROM unnest($1::text[], $2::int[]) AS r(id, status) WHERE d.id = r.id`;

export async function runDeliveryFloor(options: DeliveryFloorOptions): Promise<{ delivered: number }> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: 4 });
  const agent = new Agent({ keepAliveTimeout: 4_000, headersTimeout: 0, bodyTimeout: 0 });
  const url = new URL(options.url);
  const end = performance.now() + options.seconds * 1000;
  let inFlight = 0;
  let delivered = 0;
  let done: Array<{ id: string; status: number }> = [];
  let recording: Promise<void> | undefined;
  let wake: () => void = () => undefined;
  let failure: Error | undefined;

  const record = (): void => {
    if (recording !== undefined || done.length === 0) return;
    const batch = done;
    done = [];
    recording = pool.query(RECORD, [batch.map((d) => d.id), batch.map((d) => d.status)]).then(() => {
      delivered += batch.length;
      inFlight -= batch.length;
      recording = undefined;
      record();
      wake();
    });
  };
  const post = async (id: string): Promise<void> => {
    const response = await agent.request({
      origin: url.origin,
      path: url.pathname,
      method: 'POST',
      headers: options.headers,
      body: options.body,
    });
    await response.body.text();
    done.push({ id, status: response.statusCode });
    record();
  };
  const claim = async (limit: number): Promise<string[]> => {
    const client = await pool.connect();
    try {
      await client.query(
        'BEGIN; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off; SET LOCAL jit = off',
      );
      const { rows } = await client.query<{ id: string }>(CLAIM, [limit]);
      await client.query('COMMIT');
      return rows.map((r) => r.id);
    } finally {
      client.release();
    }
  };

  try {
    while (performance.now() < end && failure === undefined) {
      const free = options.concurrency - inFlight;
      if (free > 0) {
        const ids = await claim(free);
        if (ids.length === 0) break; // the backlog is done
        inFlight += ids.length;
        for (const id of ids) post(id).catch((error: unknown) => (failure ??= error as Error));
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
    while (inFlight > 0 && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    await agent.close();
    await pool.end();
  }
  if (failure !== undefined) throw failure;
  return { delivered };
}
