import { MAX_RETRY_AFTER_MS, RetryPolicy, retryAfterMs } from './retry-policy';

const SCHEDULE = [0, 5_000, 300_000, 1_800_000];
const now = new Date('2026-12-06T12:00:00Z');

describe('RetryPolicy', () => {
  const middle = new RetryPolicy(SCHEDULE, () => 0.5);

  it('delivers on 2xx only', () => {
    expect(middle.verdict({ kind: 'response', status: 204 }, 1, now)).toEqual({ next: 'delivered' });
    expect(middle.verdict({ kind: 'response', status: 302 }, 1, now)).toEqual({
      next: 'retry',
      delayMs: 5_000,
    });
    expect(middle.verdict({ kind: 'response', status: 500 }, 2, now)).toEqual({
      next: 'retry',
      delayMs: 300_000,
    });
    expect(middle.verdict({ kind: 'error' }, 3, now)).toEqual({ next: 'retry', delayMs: 1_800_000 });
  });

  it('fails after the last attempt, and disables the endpoint on 410 at once', () => {
    expect(middle.verdict({ kind: 'response', status: 500 }, 4, now)).toEqual({
      next: 'failed',
      disableEndpoint: false,
    });
    expect(middle.verdict({ kind: 'response', status: 410 }, 1, now)).toEqual({
      next: 'failed',
      disableEndpoint: true,
    });
  });

  it('jitters each delay by ±20 %', () => {
    expect(new RetryPolicy(SCHEDULE, () => 0).delayBefore(2)).toBe(4_000);
    expect(new RetryPolicy(SCHEDULE, () => 0.999999).delayBefore(2)).toBe(6_000);
    expect(new RetryPolicy(SCHEDULE, () => 0).delayBefore(1)).toBe(0);
  });

  it('honours Retry-After on 429 and 503 within bounds, never shortening the schedule', () => {
    expect(middle.verdict({ kind: 'response', status: 429, retryAfter: '120' }, 1, now)).toEqual({
      next: 'retry',
      delayMs: 120_000,
    });
    expect(middle.verdict({ kind: 'response', status: 503, retryAfter: '1' }, 1, now)).toEqual({
      next: 'retry',
      delayMs: 5_000,
    });
    expect(middle.verdict({ kind: 'response', status: 503, retryAfter: '999999' }, 1, now)).toEqual({
      next: 'retry',
      delayMs: MAX_RETRY_AFTER_MS,
    });
    expect(middle.verdict({ kind: 'response', status: 500, retryAfter: '120' }, 1, now)).toEqual({
      next: 'retry',
      delayMs: 5_000,
    });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 12:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});
