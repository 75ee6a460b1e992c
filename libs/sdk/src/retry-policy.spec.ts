// Backoff with full jitter, Retry-After as a lower bound, and the cap on both.
import { HeraldNetworkError, HeraldProblemError } from './herald-errors';
import { retryDelayMs, withRetries } from './retry-policy';

const options = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
const unavailable = (retryAfterMs?: number) =>
  new HeraldProblemError({ type: 'about:blank', title: 'Unavailable', status: 503 }, retryAfterMs);

describe('retryDelayMs', () => {
  it('draws uniformly below a bound that doubles per attempt, up to the cap', () => {
    const network = new HeraldNetworkError('http://x', new Error('reset'));
    expect(retryDelayMs(network, 0, options, () => 0.999)).toBe(99);
    expect(retryDelayMs(network, 2, options, () => 0.5)).toBe(200);
    expect(retryDelayMs(network, 10, options, () => 0.999)).toBe(999);
    expect(retryDelayMs(network, 3, options, () => 0)).toBe(0);
  });

  it('waits at least Retry-After, but never longer than the cap', () => {
    expect(retryDelayMs(unavailable(700), 0, options, () => 0)).toBe(700);
    expect(retryDelayMs(unavailable(60_000), 0, options, () => 0)).toBe(1_000);
    expect(retryDelayMs(unavailable(0), 1, options, () => 0.5)).toBe(100);
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
