// Backoff with equal jitter, Retry-After as a lower bound, and the cap on both.
import { HeraldNetworkError, HeraldProblemError } from './herald-errors';
import { equalJitterBackoff, retryDelayMs, withRetries } from './retry-policy';

const options = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
const unavailable = (retryAfterMs?: number) =>
  new HeraldProblemError({ type: 'about:blank', title: 'Unavailable', status: 503 }, retryAfterMs);

describe('equalJitterBackoff (the copy of libs/platform/src/backoff.ts)', () => {
  const settings = { initialMs: 100, maxMs: 1_000 };
  it('draws uniformly in [bound/2, bound], the bound doubling per attempt up to the ceiling', () => {
    // The same figures as libs/platform/src/backoff.spec.ts: the two copies keep one policy.
    expect([1, 2, 3, 4, 5, 9].map((n) => equalJitterBackoff(n, settings, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 9].map((n) => equalJitterBackoff(n, settings, () => 0))).toEqual([50, 100, 500]);
    expect(equalJitterBackoff(3, settings, () => 0.5)).toBe(300);
  });
});

describe('retryDelayMs', () => {
  it('draws in [bound/2, bound] of a bound that doubles per retry, up to the cap', () => {
    const network = new HeraldNetworkError('http://x', new Error('reset'));
    expect(retryDelayMs(network, 0, options, () => 1)).toBe(100);
    expect(retryDelayMs(network, 0, options, () => 0)).toBe(50);
    expect(retryDelayMs(network, 2, options, () => 0.5)).toBe(300);
    expect(retryDelayMs(network, 10, options, () => 1)).toBe(1_000);
    expect(retryDelayMs(network, 3, options, () => 0)).toBe(400);
  });

  it('waits at least Retry-After, but never longer than the cap', () => {
    expect(retryDelayMs(unavailable(700), 0, options, () => 0)).toBe(700);
    expect(retryDelayMs(unavailable(60_000), 0, options, () => 0)).toBe(1_000);
    expect(retryDelayMs(unavailable(0), 1, options, () => 0.5)).toBe(150);
  });
});

describe('withRetries', () => {
  const fast = { retries: 2, baseDelayMs: 1, maxDelayMs: 1 };

  it('retries retriable errors and returns the first success', async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls++;
      if (calls < 3) throw unavailable();
      return 'ok';
    }, fast);
    expect([result, calls]).toEqual(['ok', 3]);
  });

  it('throws a refusal at once', async () => {
    let calls = 0;
    const refusal = new HeraldProblemError({ type: 'about:blank', title: 'Conflict', status: 409 });
    await expect(
      withRetries(async () => {
        calls++;
        throw refusal;
      }, fast),
    ).rejects.toBe(refusal);
    expect(calls).toBe(1);
  });

  it.each([413, 429])(
    "throws a batch larger than the key's rate limit at once (problem type exceeds-rate-limit, status %d)",
    async (status) => {
      let calls = 0;
      const never = new HeraldProblemError(
        {
          type: 'https://herald.dev/problems/exceeds-rate-limit',
          title: "Batch larger than the key's rate limit",
          status,
          errors: [{ path: '/events', message: "at most 5 events, the key's limit per second" }],
        },
        1_000,
      );
      expect(never.retriable).toBe(false);
      await expect(
        withRetries(async () => {
          calls++;
          throw never;
        }, fast),
      ).rejects.toBe(never);
      expect(calls).toBe(1);
    },
  );

  it('throws the last error when the retries are used up', async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls++;
        throw unavailable(calls);
      }, fast),
    ).rejects.toMatchObject({ retryAfterMs: 3 });
    expect(calls).toBe(3);
  });
});
