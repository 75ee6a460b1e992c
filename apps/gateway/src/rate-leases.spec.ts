import fc from 'fast-check';
import { RateLimited } from './domain/publisher-authenticator';
import { LeasedRateLimiter, RateBudgets, type LeaseAnswer, type LeaseRequest } from './rate-leases';

/** A primary on a fake clock, counting the asks that reach it. */
function primary() {
  const clock = { now: 0 };
  const budgets = new RateBudgets(() => clock.now);
  const asked: LeaseRequest[] = [];
  const ask = (request: LeaseRequest): Promise<LeaseAnswer> => {
    asked.push(request);
    return Promise.resolve(budgets.lease(request));
  };
  const worker = (limit: number) => new LeasedRateLimiter(limit, ask, () => clock.now);
  return { clock, budgets, asked, worker };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'admitted' as const,
    (e: unknown) => (e instanceof RateLimited ? ('limited' as const) : e),
  );

describe('RateBudgets (the primary)', () => {
  it('grants what is needed plus a small lease, and refuses what the window cannot cover', () => {
    const { budgets, clock } = primary();
    const limit = 6_400;
    expect(budgets.lease({ key: 'k', limit, need: 1, want: 101 })).toEqual({
      granted: 101,
      remaining: 6_299,
      msBeforeNext: 1_000,
    });
    clock.now = 400;
    // A quarter of what is left caps the extra as the budget runs low.
    expect(budgets.lease({ key: 'k', limit, need: 6_000, want: 6_100 })).toEqual({
      granted: 6_074,
      remaining: 225,
      msBeforeNext: 600,
    });
    expect(budgets.lease({ key: 'k', limit, need: 226, want: 226 })).toEqual({
      granted: 0,
      remaining: 225,
      msBeforeNext: 600,
    });
    expect(budgets.lease({ key: 'other', limit, need: 226, want: 226 }).granted).toBe(226);
    clock.now = 1_000;
    expect(budgets.lease({ key: 'k', limit, need: 226, want: 226 })).toMatchObject({
      granted: 226,
      msBeforeNext: 1_000,
    });
  });

  it('never grants more than the limit within a window, whatever is asked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(
          fc.record({ at: fc.integer({ min: 0, max: 3_000 }), need: fc.nat(300), extra: fc.nat(300) }),
          {
            maxLength: 200,
          },
        ),
        (limit, asks) => {
          const clock = { now: 0 };
          const budgets = new RateBudgets(() => clock.now);
          let windowEnd = -1;
          let granted = 0;
          for (const { at, need, extra } of [...asks].sort((a, b) => a.at - b.at)) {
            clock.now = at;
            const answer = budgets.lease({ key: 'k', limit, need, want: need + extra });
            if (at >= windowEnd) {
              windowEnd = at + answer.msBeforeNext;
              granted = 0;
            }
            expect(answer.granted === 0 || answer.granted >= need).toBe(true);
            expect(answer.granted).toBeLessThanOrEqual(need + extra);
            granted += answer.granted;
            expect(granted).toBeLessThanOrEqual(limit);
            expect(answer.remaining).toBe(limit - granted);
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
    expect(asked.length).toBeLessThanOrEqual(1);
    expect(asked[0]).toEqual({ key: 'k', limit: 64_000, need: 1, want: 1_000 });
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

  it('requests for a key arriving while its ask is on the way wait for it rather than ask too', async () => {
    const budgets = new RateBudgets(() => 0);
    const asked: LeaseRequest[] = [];
    let answer: () => void = () => undefined;
    const limiter = new LeasedRateLimiter(
      6_400,
      (request) => {
        asked.push(request);
        return new Promise((resolve) => (answer = () => resolve(budgets.lease(request))));
      },
      () => 0,
    );
    const requests = Array.from({ length: 20 }, () => outcome(limiter.consume('k', 1)));
    await Promise.resolve();
    expect(asked).toHaveLength(1);
    answer();
    expect(await Promise.all(requests)).toEqual(Array(20).fill('admitted'));
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

  it('a batch larger than the points held asks only for the difference', async () => {
    const { asked, worker } = primary();
    const limiter = worker(640);
    await limiter.consume('k', 1); // leases a slice of 10, holds 9
    await limiter.consume('k', 25); // asks for the other 16, and no more
    expect(asked.map((a) => [a.need, a.want])).toEqual([
      [1, 10],
      [16, 16],
    ]);
  });

  it('an ask that fails rejects with its error (503 upstream) and gives back the points it set aside', async () => {
    const budgets = new RateBudgets(() => 0);
    let fail = false;
    const limiter = new LeasedRateLimiter(
      640,
      (request) => (fail ? Promise.reject(new Error('no primary')) : Promise.resolve(budgets.lease(request))),
      () => 0,
    );
    await limiter.consume('k', 1); // holds 9
    fail = true;
    await expect(limiter.consume('k', 25)).rejects.toThrow('no primary');
    fail = false;
    await expect(limiter.consume('k', 10)).resolves.toBeUndefined();
    expect(budgets.lease({ key: 'k', limit: 640, need: 0, want: 0 }).remaining).toBe(640 - 20);
  });
});
