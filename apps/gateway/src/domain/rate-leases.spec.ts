import { RateLimited } from './publisher-authenticator';
import { LeasedRateLimiter, RATE_WINDOW_MS, type LeaseAnswer, type LeaseRequest } from './rate-leases';

/**
 * The shared store's grant rule in memory, on a fake clock (the PostgreSQL store's int spec
 * checks the real one): a window per key and limit, starting at the first ask after the last
 * one ended; the request granted if it fits, plus up to a quarter of what is left beyond it.
 */
class FakeBudgets {
  private readonly windows = new Map<string, { start: number; spent: number }>();
  constructor(private readonly now: () => number) {}

  lease(request: LeaseRequest): LeaseAnswer {
    const now = this.now();
    const id = `${request.limit}:${request.key}`;
    let window = this.windows.get(id);
    if (window === undefined || window.start + RATE_WINDOW_MS <= now) {
      window = { start: now, spent: 0 };
      this.windows.set(id, window);
    }
    const windowId = window.start + 1; // positive: 0 means none
    if (request.window === windowId) window.spent -= Math.min(request.returning, window.spent);
    const remaining = request.limit - window.spent;
    let granted = 0;
    if (request.need <= remaining) {
      const extra = Math.min(request.want - request.need, Math.floor((remaining - request.need) / 4));
      granted = request.need + Math.max(0, extra);
    }
    window.spent += granted;
    return {
      granted,
      remaining: request.limit - window.spent,
      msBeforeNext: window.start + RATE_WINDOW_MS - now,
      window: windowId,
    };
  }
}

/** A store on a fake clock, counting the asks that reach it; `latencyMs` each way. */
function sharedStore(latencyMs = 0) {
  const clock = { now: 0 };
  const budgets = new FakeBudgets(() => clock.now);
  const asked: LeaseRequest[] = [];
  const ask = (request: LeaseRequest): Promise<LeaseAnswer> => {
    asked.push(request);
    clock.now += latencyMs;
    const answer = budgets.lease(request);
    clock.now += latencyMs;
    return Promise.resolve(answer);
  };
  const limiterFor = (limit: number) => new LeasedRateLimiter(limit, ask, () => clock.now);
  return { clock, budgets, asked, limiterFor };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'admitted' as const,
    (e: unknown) => (e instanceof RateLimited ? ('limited' as const) : e),
  );

describe('LeasedRateLimiter (one process)', () => {
  it('spends a lease locally: a thousand single events take a handful of asks', async () => {
    const { asked, limiterFor } = sharedStore();
    const limiter = limiterFor(64_000);
    for (let i = 0; i < 1_000; i++) await limiter.consume('k', 1);
    expect(asked).toEqual([{ key: 'k', limit: 64_000, need: 1, want: 1_000, returning: 0, window: 0 }]);
  });

  it('two processes together admit at most the limit, and lose at most their last leases to it', async () => {
    const { asked, clock, limiterFor } = sharedStore();
    const limit = 6_400;
    const [a, b] = [limiterFor(limit), limiterFor(limit)];
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

  it("sizes leases to the process's own traffic, never beyond the window's end", async () => {
    const { asked, clock, limiterFor } = sharedStore();
    const limiter = limiterFor(64_000);
    // 50 events per ms (50,000/s) for a second: a fixed slice of limit / 64 would take 50 asks.
    for (let i = 0; i < 50_000; i++) {
      clock.now = i / 50;
      await limiter.consume('k', 1);
    }
    // The first lease is the smallest (no traffic measured yet), the next ones cover ~100 ms of
    // it (5,000), and the one asked for 80 ms before the window's end covers only those 80 ms.
    expect(asked.map((a) => a.want)).toEqual([1_000, ...Array<number>(9).fill(5_000), 4_000]);
  });

  it('once the window is known to be spent, requests it cannot cover are refused without asking', async () => {
    const { asked, clock, limiterFor } = sharedStore();
    const limiter = limiterFor(100);
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

  it("a lease ends no later than the store's window it came from, whatever the store's latency", async () => {
    const { asked, clock, limiterFor } = sharedStore(5);
    const limiter = limiterFor(6_400);
    await limiter.consume('k', 1); // sent at 0; the window opened at 5 and ends at 1005
    clock.now = 999;
    await limiter.consume('k', 1);
    expect(asked).toHaveLength(1);
    clock.now = 1_000; // the lease has ended, though the store's window has 5 ms to go
    await limiter.consume('k', 1);
    expect(asked).toHaveLength(2);
    expect(asked[1]).toMatchObject({ returning: 0 });
  });

  /** A process whose asks wait until the test answers them, or fails them. */
  function heldAsks() {
    const budgets = new FakeBudgets(() => 0);
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
    settle.fail(new Error('no answer from the store'));
    const outcomes = await Promise.all(requests);
    expect(outcomes.map((o) => (o as Error).message)).toEqual(Array(5).fill('no answer from the store'));
    expect(asked).toHaveLength(1);
  });

  it('batches take exactly what they need: 8 × 25 over two processes against 100/s admit 4', async () => {
    const { limiterFor } = sharedStore();
    const [a, b] = [limiterFor(100), limiterFor(100)];
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => outcome((i % 2 === 0 ? a : b).consume('k', 25))),
    );
    expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(4);
    expect(outcomes.filter((o) => o === 'limited')).toHaveLength(4);
  });

  it('a process asking again gives back the points it still holds', async () => {
    const { asked, budgets, clock, limiterFor } = sharedStore();
    const limiter = limiterFor(640);
    await limiter.consume('k', 1); // leases a slice of 10, holds 9
    clock.now = 500; // light traffic: no more than the smallest lease is worth keeping
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
    const budgets = new FakeBudgets(() => 0);
    const asked: LeaseRequest[] = [];
    let fail = false;
    const limiter = new LeasedRateLimiter(
      640,
      (request) => {
        asked.push(request);
        return fail ? Promise.reject(new Error('no store')) : Promise.resolve(budgets.lease(request));
      },
      () => 0,
    );
    await limiter.consume('k', 1); // holds 9
    fail = true;
    await expect(limiter.consume('k', 25)).rejects.toThrow('no store');
    fail = false;
    await limiter.consume('k', 1);
    expect(asked.map((a) => a.returning)).toEqual([0, 9, 0]);
  });

  it('while the store does not answer, a fallback counts alone, and the store is tried again after 5 s', async () => {
    const clock = { now: 0 };
    const budgets = new FakeBudgets(() => clock.now);
    const asked: LeaseRequest[] = [];
    let down = true;
    const counted: number[] = [];
    const fallback = { consume: (_key: string, points: number) => Promise.resolve(counted.push(points)) };
    const limiter = new LeasedRateLimiter(
      640,
      (request) => {
        asked.push(request);
        return down
          ? Promise.reject(new Error('connection refused'))
          : Promise.resolve(budgets.lease(request));
      },
      () => clock.now,
      fallback,
    );
    await limiter.consume('k', 1); // the store fails: the fallback admits it
    clock.now = 4_999;
    await limiter.consume('k', 2); // the store is not asked again yet
    expect([asked.length, counted]).toEqual([1, [1, 2]]);
    clock.now = 5_000;
    await limiter.consume('k', 3); // tried again, still down
    expect([asked.length, counted]).toEqual([2, [1, 2, 3]]);
    down = false;
    clock.now = 10_000;
    await limiter.consume('k', 4); // the store answers: leases again
    await limiter.consume('k', 5);
    expect([asked.length, counted]).toEqual([3, [1, 2, 3]]);
    // A refusal from the store is an answer, not a failure: no fallback for it.
    await expect(limiter.consume('k', 640)).rejects.toBeInstanceOf(RateLimited);
    expect(counted).toEqual([1, 2, 3]);
  });
});
