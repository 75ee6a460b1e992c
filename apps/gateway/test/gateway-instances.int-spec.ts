/**
 * Two gateway instances (separate processes on their own ports, no balancer in front) on one
 * database: a key's rate limit holds for both together, as the built app runs it. Traffic at
 * four times a key's limit is split between them for several seconds; every one-second window
 * of the key (read from the shared `rate_windows` row as the test runs) admits at most the
 * limit, and together the windows admit most of what they could.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { GATEWAY_SCHEMA } from '@app/api-keys';
import { createDatabase } from '@app/persistence';
import { databaseUrlFor } from '@app/testing';
import { GatewayHarness, payment } from './gateway-harness';

const LIMIT = 100;
const SECONDS = 6;
/** Requests per second offered, split evenly between the two instances. */
const OFFERED = 4 * LIMIT;

interface Sent {
  readonly instance: 0 | 1;
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly status: number;
}

describe('rate limits across gateway instances', () => {
  let first: GatewayHarness;
  let second: GatewayHarness;
  let db: Kysely<unknown>;

  beforeAll(async () => {
    first = await GatewayHarness.start();
    // The second instance: the first one's database, catalog and registry.
    second = await GatewayHarness.start({
      registry: first.registry,
      env: { DATABASE_URL: databaseUrlFor(first.database), SCHEMAS_DIR: first.catalogDir },
    });
    db = createDatabase<unknown>({ url: databaseUrlFor(first.database), schema: GATEWAY_SCHEMA });
  }, 180_000);

  afterAll(async () => {
    await db?.destroy();
    await second?.close();
    await first?.close();
  });

  it(`admits at most ${LIMIT} events per window of a ${LIMIT}/s key, whichever instance they reach`, async () => {
    const secret = await first.createKey({
      producer: 'limited-service',
      patterns: [`${first.types.payment.split('.')[0]}.*`],
      rateLimitPerSecond: LIMIT,
    });
    const keyId = (await first.listKeys()).find((k) => k.producer === 'limited-service')!.id;
    const instances = [first, second] as const;

    // The key's windows, as PostgreSQL opens them (each lasts a second, so 10 ms polls see all).
    const windowStarts = new Set<number>();
    const readWindow = async () => {
      const { rows } = await sql<{ started_ms: string }>`
        SELECT started_ms FROM rate_windows WHERE key = ${keyId} AND rate_limit = ${LIMIT}`.execute(db);
      if (rows[0]) windowStarts.add(Number(rows[0].started_ms));
    };
    let polling = true;
    const poll = (async () => {
      while (polling) {
        await readWindow();
        await sleep(10);
      }
    })();

    const sent: Promise<Sent>[] = [];
    const send = (instance: 0 | 1): Promise<Sent> => {
      const sentAt = Date.now();
      return instances[instance]
        .post(
          '/v1/events',
          { type: first.types.payment, data: payment() },
          { authorization: `Bearer ${secret}` },
        )
        .then(async (response) => {
          await response.arrayBuffer();
          return { instance, sentAt, answeredAt: Date.now(), status: response.status };
        });
    };
    // Open loop: every 10 ms, OFFERED / 100 requests alternating between the instances.
    const started = Date.now();
    for (let tick = 0; tick < SECONDS * 100; tick++) {
      for (let i = 0; i < OFFERED / 100; i++) sent.push(send((i % 2) as 0 | 1));
      await sleep(Math.max(0, started + (tick + 1) * 10 - Date.now()));
    }
    const results = await Promise.all(sent);
    polling = false;
    await poll;
    await readWindow();

    expect(new Set(results.map((r) => r.status))).toEqual(new Set([202, 429]));
    const admitted = results.filter((r) => r.status === 202);
    // Both instances admitted some: the limit is shared, not one instance's alone.
    expect(admitted.some((r) => r.instance === 0) && admitted.some((r) => r.instance === 1)).toBe(true);

    const windows = [...windowStarts].sort((a, b) => a - b);
    expect(windows.length).toBeGreaterThanOrEqual(SECONDS - 1);
    for (let i = 1; i < windows.length; i++)
      expect(windows[i]! - windows[i - 1]!).toBeGreaterThanOrEqual(1_000);
    // A request answered within one window was admitted in it (its lease was granted and spent
    // in that window): at most the limit each, across both instances.
    const within = windows.map(
      (start) => admitted.filter((r) => r.sentAt >= start && r.answeredAt < start + 1_000).length,
    );
    for (const count of within) expect(count).toBeLessThanOrEqual(LIMIT);
    // Every admission falls in some window: no more than the limit each over the whole run (if a
    // slow poll missed a window, it lies between two seen ones at least 2 s apart: counted here).
    const possibleWindows =
      1 + windows.slice(1).reduce((n, start, i) => n + Math.floor((start - windows[i]!) / 1_000), 0);
    expect(admitted.length).toBeLessThanOrEqual(LIMIT * possibleWindows);
    // Not starved: most of what the windows could admit, given what was sent, was admitted (on a
    // loaded machine the sending falls behind and windows see less than the limit).
    expect(admitted.length).toBeGreaterThanOrEqual(0.6 * Math.min(results.length, LIMIT * windows.length));
  }, 180_000);
});
