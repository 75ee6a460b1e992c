import fc from 'fast-check';
import { RateLimited } from './domain/publisher-authenticator';
import { LeasedRateLimiter, RateBudgets, type LeaseAnswer, type LeaseRequest } from './rate-leases';

/** A primary on a fake clock, counting the asks that reach it; `latencyMs` each way. */
function primary(latencyMs = 0) {
  const clock = { now: 0 };
  const budgets = new RateBudgets(() => clock.now);
  const asked: LeaseRequest[] = [];
  const ask = (request: LeaseRequest): Promise<LeaseAnswer> => {
    asked.push(request);
    clock.now += latencyMs;
    const answer = budgets.lease(request);
    clock.now += latencyMs;
    return Promise.resolve(answer);
  };
  const worker = (limit: number) => new LeasedRateLimiter(limit, ask, () => clock.now);
  return { clock, budgets, asked, worker };
}

const request = (need: number, want = need, returning = 0, window = 0): LeaseRequest => ({
  key: 'k',
  limit: 6_400,
  need,
  want,
  returning,
  window,
});

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'admitted' as const,
    (e: unknown) => (e instanceof RateLimited ? ('limited' as const) : e),
  );

describe('RateBudgets (the primary)', () => {
  it('grants what is needed plus a small lease, and refuses what the window cannot cover', () => {
    const { budgets, clock } = primary();
    expect(budgets.lease(request(1, 101))).toEqual({
      granted: 101,
      remaining: 6_299,
      msBeforeNext: 1_000,
      window: 1,
    });
    clock.now = 400;
    // A quarter of what is left caps the extra as the budget runs low.
    expect(budgets.lease(request(6_000, 6_100))).toEqual({
      granted: 6_074,
      remaining: 225,
      msBeforeNext: 600,
      window: 1,
    });
    expect(budgets.lease(request(226))).toEqual({ granted: 0, remaining: 225, msBeforeNext: 600, window: 1 });
    expect(budgets.lease({ ...request(226), key: 'other' }).granted).toBe(226);
    clock.now = 1_000;
    expect(budgets.lease(request(226))).toEqual({
      granted: 226,
      remaining: 6_174,
      msBeforeNext: 1_000,
      window: 3,
    });
  });

  it('takes back points returned from the current window; points of an ended window lapse', () => {
    const { budgets, clock } = primary();
    budgets.lease(request(6_000));
    expect(budgets.lease(request(1, 1, 300, 1))).toMatchObject({ granted: 1, remaining: 699 });
    clock.now = 1_000;
    budgets.lease(request(6_000));
    expect(budgets.lease(request(1, 1, 300, 1))).toMatchObject({ granted: 1, remaining: 399, window: 2 });
  });

  it('never has more than the limit out within a window, whatever is asked and returned', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 3_000 }),
            need: fc.nat(300),
            extra: fc.nat(300),
            give: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { maxLength: 200 },
        ),
        (limit, asks) => {
          const clock = { now: 0 };
          const budgets = new RateBudgets(() => clock.now);
          let window = 0;
          let out = 0;
          let held = 0;
          for (const { at, need, extra, give } of [...asks].sort((a, b) => a.at - b.at)) {
            clock.now = at;
            // One worker giving back part of what it holds from the window it last heard of.
            const returning = Math.floor(held * give);
            const answer = budgets.lease({ key: 'k', limit, need, want: need + extra, returning, window });
            if (answer.window !== window) {
              window = answer.window;
              out = 0;
              held = 0;
            } else {
              out -= returning;
              held -= returning;
            }
            expect(answer.granted === 0 || answer.granted >= need).toBe(true);
            expect(answer.granted).toBeLessThanOrEqual(need + extra);
            out += answer.granted;
            if (answer.granted > 0) held += answer.granted - need;
            expect(out).toBeLessThanOrEqual(limit);
            expect(answer.remaining).toBe(limit - out);
          }
        },
      ),
    );
  });
});

describe('LeasedRateLimiter (a worker)', () => {
  it('spends a lease locally: a thousand single events take a handful of asks', async () => {
    const { asked, worker } = primary();
    const limiter = worker(64_000);
    for (let i = 0; i < 1_000; i++) await limiter.consume('k', 1);
    expect(asked).toEqual([{ key: 'k', limit: 64_000, need: 1, want: 1_000, returning: 0, window: 0 }]);
  });

  it('two workers together admit at most the limit, and lose at most their last leases to it', async () => {
    const { asked, clock, worker } = primary();
    const limit = 6_400;
    const [a, b] = [worker(limit), worker(limit)];
    let admitted = 0;
    for (let i = 0; i < 8_000; i++) {
      if ((await outcome((i % 3 === 0 ? a : b).consume('k', 1))) === 'admitted') admitted++;
    }
    expect(admitted).toBeLessThanOrEqual(limit);
    expect(admitted).toBeGreaterThanOrEqual(limit - 2 * (limit / 64));
    // Leases of ~100, then one refusal each: not one ask per request.
    expect(asked.length).toBeLessThan(100);
    clock.now = 1_000;
    await expect(a.consume('k', 1)).resolves.toBeUndefined();
  });

  it('once the window is known to be spent, requests it cannot cover are refused without asking', async () => {
    const { asked, clock, worker } = primary();
    const limiter = worker(100);
    await limiter.consume('k', 100);
    const before = asked.length;
    clock.now = 300;
    for (let i = 0; i < 50; i++) {
      await expect(limiter.consume('k', 1)).rejects.toMatchObject({ msBeforeNext: 700 });
    }
    expect(asked.length).toBe(before);
    clock.now = 1_000;
    await expect(limiter.consume('k', 100)).resolves.toBeUndefined();
  });

  it('a lease ends no later than the primary window it came from, whatever the IPC delay', async () => {
    const { asked, clock, worker } = primary(5);
    const limiter = worker(6_400);
    await limiter.consume('k', 1); // sent at 0; the window opened at 5 and ends at 1005
    clock.now = 999;
    await limiter.consume('k', 1);
    expect(asked).toHaveLength(1);
    clock.now = 1_000; // the lease has ended, though the primary's window has 5 ms to go
    await limiter.consume('k', 1);
    expect(asked).toHaveLength(2);
    expect(asked[1]).toMatchObject({ returning: 0 });
  });

  /** A worker whose asks wait until the test answers them, or fails them. */
  function heldAsks() {
    const budgets = new RateBudgets(() => 0);
    const asked: LeaseRequest[] = [];
    const settle = { answer: () => undefined as void, fail: (_error: Error) => undefined as void };
    const limiter = new LeasedRateLimiter(
      6_400,
      (request) => {
        asked.push(request);
        return new Promise((resolve, reject) => {
          settle.answer = () => resolve(budgets.lease(request));
          settle.fail = reject;
        });
      },
      () => 0,
    );
    return { asked, limiter, settle };
  }

  it('requests for a key arriving while its ask is on the way wait for it rather than ask too', async () => {
    const { asked, limiter, settle } = heldAsks();
    const requests = Array.from({ length: 20 }, () => outcome(limiter.consume('k', 1)));
    await Promise.resolve();
    expect(asked).toHaveLength(1);
    settle.answer();
    expect(await Promise.all(requests)).toEqual(Array(20).fill('admitted'));
    expect(asked).toHaveLength(1);
  });

  it('requests waiting on an ask that gets no answer fail with it at once, not one after another', async () => {
    const { asked, limiter, settle } = heldAsks();
    const requests = Array.from({ length: 5 }, () => outcome(limiter.consume('k', 1)));
    await Promise.resolve();
    settle.fail(new Error('no answer from the primary'));
    const outcomes = await Promise.all(requests);
    expect(outcomes.map((o) => (o as Error).message)).toEqual(Array(5).fill('no answer from the primary'));
    expect(asked).toHaveLength(1);
  });

  it('batches take exactly what they need: 8 × 25 over two workers against 100/s admit 4', async () => {
    const { worker } = primary();
    const [a, b] = [worker(100), worker(100)];
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => outcome((i % 2 === 0 ? a : b).consume('k', 25))),
    );
    expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(4);
    expect(outcomes.filter((o) => o === 'limited')).toHaveLength(4);
  });

  it('a worker asking again gives back the points it still holds', async () => {
    const { asked, budgets, worker } = primary();
    const limiter = worker(640);
    await limiter.consume('k', 1); // leases a slice of 10, holds 9
    await limiter.consume('k', 25); // gives the 9 back, takes 25
    expect(asked.map((a) => [a.need, a.want, a.returning, a.window])).toEqual([
      [1, 10, 0, 0],
      [25, 25, 9, 1],
    ]);
    expect(budgets.lease({ key: 'k', limit: 640, need: 0, want: 0, returning: 0, window: 0 }).remaining).toBe(
      640 - 1 - 25,
    );
  });

  it('an ask that fails rejects with its error (503 upstream); the points it held lapse', async () => {
    const budgets = new RateBudgets(() => 0);
    const asked: LeaseRequest[] = [];
    let fail = false;
    const limiter = new LeasedRateLimiter(
      640,
      (request) => {
        asked.push(request);
        return fail ? Promise.reject(new Error('no primary')) : Promise.resolve(budgets.lease(request));
      },
      () => 0,
    );
    await limiter.consume('k', 1); // holds 9
    fail = true;
    await expect(limiter.consume('k', 25)).rejects.toThrow('no primary');
    fail = false;
    await limiter.consume('k', 1);
    expect(asked.map((a) => a.returning)).toEqual([0, 9, 0]);
  });
});
