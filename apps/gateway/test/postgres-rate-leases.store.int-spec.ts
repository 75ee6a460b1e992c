// The rate limits' shared budgets on a real PostgreSQL (a schema of its own): the grant rule,
// give-backs, windows, and many processes leasing one key at once through separate pools, as
// gateway instances do.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { createDatabase, migrateSchema } from '@app/persistence';
import { createTestSchema, freePort, testDatabaseUrl, type TestSchema } from '@app/testing';
import { LeasedRateLimiter, type LeaseAnswer, type LeaseRequest } from '../src/domain/rate-leases';
import { RateLimited } from '../src/domain/publisher-authenticator';
import { PostgresRateLeases, postgresRateLimiters } from '../src/storage/postgres-rate-leases.store';
import { rateWindowsMigration } from '../src/storage/rate-leases-migrations';

describe('PostgresRateLeases', () => {
  let test: TestSchema<unknown>;
  let store: PostgresRateLeases;

  beforeAll(async () => {
    test = await createTestSchema('gateway_rate');
    await migrateSchema(test.db, test.schema, { '0003_rate_windows': rateWindowsMigration });
    store = new PostgresRateLeases(test.db);
  });

  afterAll(async () => {
    await test?.drop();
  });

  const ask = (key: string, need: number, want = need, returning = 0, window = 0, limit = 6_400) =>
    store.lease({ key, limit, need, want, returning, window });

  it('grants what is needed plus what was asked up to a quarter of the rest, and refuses what the window cannot cover', async () => {
    const key = randomUUID();
    const first = await ask(key, 1, 101);
    expect(first).toMatchObject({ granted: 101, remaining: 6_299 });
    expect(first.window).toBeGreaterThan(0);
    expect(first.msBeforeNext).toBeGreaterThan(0);
    expect(first.msBeforeNext).toBeLessThanOrEqual(1_000);
    // A quarter of what is left caps the extra as the budget runs low.
    expect(await ask(key, 6_000, 6_100)).toMatchObject({
      granted: 6_074,
      remaining: 225,
      window: first.window,
    });
    expect(await ask(key, 226)).toMatchObject({ granted: 0, remaining: 225, window: first.window });
    // Another key, or the same key under another limit, has its own window.
    expect(await ask(randomUUID(), 226)).toMatchObject({ granted: 226 });
    expect(await ask(key, 226, 226, 0, 0, 1_000)).toMatchObject({ granted: 226, remaining: 774 });
  });

  it('takes back points returned from the current window; points of another window lapse', async () => {
    const key = randomUUID();
    const { window } = await ask(key, 6_000);
    expect(await ask(key, 1, 1, 300, window)).toMatchObject({ granted: 1, remaining: 699 });
    expect(await ask(key, 1, 1, 300, window - 1)).toMatchObject({ granted: 1, remaining: 698 });
    // No more comes back than the window has out.
    expect(await ask(key, 0, 0, 1_000_000, window)).toMatchObject({ granted: 0, remaining: 6_400 });
  });

  it('starts a new window with the whole budget once the last one has ended', async () => {
    const key = randomUUID();
    const first = await ask(key, 6_400);
    expect(first).toMatchObject({ granted: 6_400, remaining: 0 });
    await sleep(first.msBeforeNext + 5);
    const next = await ask(key, 1);
    expect(next).toMatchObject({ granted: 1, remaining: 6_399 });
    expect(next.window).toBeGreaterThanOrEqual(first.window + 1_000);
  });

  it('never has more than the limit out in a window, with asks from many connections at once', async () => {
    const pools = Array.from({ length: 4 }, () =>
      createDatabase<unknown>({ url: testDatabaseUrl(), schema: test.schema, maxConnections: 4 }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 500 }),
          fc.array(fc.record({ need: fc.integer({ min: 0, max: 40 }), extra: fc.nat(60) }), {
            minLength: 1,
            maxLength: 60,
          }),
          async (limit, asks) => {
            const key = randomUUID();
            const stores = pools.map((db) => new PostgresRateLeases(db));
            const answers = await Promise.all(
              asks.map(({ need, extra }, i) =>
                stores[i % stores.length]!.lease({
                  key,
                  limit,
                  need,
                  want: need + extra,
                  returning: 0,
                  window: 0,
                }),
              ),
            );
            const outPerWindow = new Map<number, number>();
            answers.forEach((answer: LeaseAnswer, i) => {
              const { need, extra } = asks[i]!;
              expect(answer.granted === 0 || answer.granted >= need).toBe(true);
              expect(answer.granted).toBeLessThanOrEqual(need + extra);
              outPerWindow.set(answer.window, (outPerWindow.get(answer.window) ?? 0) + answer.granted);
            });
            for (const out of outPerWindow.values()) expect(out).toBeLessThanOrEqual(limit);
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
  });

  it('three processes leasing one key through their own pools admit at most the limit in a window', async () => {
    const pools = Array.from({ length: 3 }, () =>
      createDatabase<unknown>({ url: testDatabaseUrl(), schema: test.schema, maxConnections: 4 }),
    );
    try {
      const key = randomUUID();
      const limit = 1_000;
      // Each process learns which window its grants came from, through its store.
      const windows: number[] = [];
      const limiters = pools.map((db) => {
        const store = new PostgresRateLeases(db);
        return new LeasedRateLimiter(limit, async (request: LeaseRequest) => {
          const answer = await store.lease(request);
          windows.push(answer.window);
          return answer;
        });
      });
      let admitted = 0;
      let refused = 0;
      // 3 × 600 single events at once, well inside one window (the first ask opens it).
      await Promise.all(
        limiters.flatMap((limiter) =>
          Array.from({ length: 600 }, () =>
            limiter.consume(key, 1).then(
              () => admitted++,
              (error: unknown) => {
                if (!(error instanceof RateLimited)) throw error;
                refused++;
              },
            ),
          ),
        ),
      );
      expect(admitted + refused).toBe(1_800);
      if (new Set(windows).size === 1) {
        expect(admitted).toBeLessThanOrEqual(limit);
        // What the processes still held at the end is all that was lost.
        expect(admitted).toBeGreaterThanOrEqual(limit * 0.75);
      } else {
        // The burst outlived a window (a very slow machine): each window still holds.
        expect(admitted).toBeLessThanOrEqual(limit * new Set(windows).size);
      }
      // Leases: far fewer statements than events.
      expect(windows.length).toBeLessThan(200);
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
  });

  it('while PostgreSQL does not answer, a process counts alone: requests still pass, up to the limit', async () => {
    const nowhere = createDatabase<unknown>({
      url: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`,
      schema: test.schema,
    });
    try {
      const limiter = postgresRateLimiters(nowhere)(3);
      for (let i = 0; i < 3; i++) await expect(limiter.consume('k', 1)).resolves.toBeUndefined();
      await expect(limiter.consume('k', 1)).rejects.toBeInstanceOf(RateLimited);
    } finally {
      await nowhere.destroy();
    }
  });
});
