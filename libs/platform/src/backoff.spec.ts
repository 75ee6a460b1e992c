import { backoffBound, equalJitterBackoff } from './backoff';
import { hasRetriableFlag, isRetriable } from './retriable';

describe('equalJitterBackoff', () => {
  const settings = { initialMs: 100, maxMs: 1_000 };

  it('doubles the bound per attempt and stops at the ceiling', () => {
    expect([1, 2, 3, 4, 5, 9, 100].map((n) => backoffBound(n, settings))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });

  it('draws uniformly in [bound/2, bound] (equal jitter), never below half the bound', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => equalJitterBackoff(n, settings, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 9].map((n) => equalJitterBackoff(n, settings, () => 0))).toEqual([50, 100, 500]);
    expect(equalJitterBackoff(3, settings, () => 0.5)).toBe(300);
  });
});

describe('the retry contract', () => {
  it('reads the flag of any error that carries one', () => {
    const refused = Object.assign(new Error('bad'), { retriable: false });
    expect(hasRetriableFlag(refused)).toBe(true);
    expect(isRetriable(refused)).toBe(false);
    expect(isRetriable({ retriable: true }, false)).toBe(true);
  });

  it('falls back to the caller’s default when the error does not say', () => {
    expect(isRetriable(new Error('socket hang up'))).toBe(true);
    expect(isRetriable(new Error('socket hang up'), false)).toBe(false);
    expect(isRetriable({ retriable: 'yes' }, false)).toBe(false);
    expect(isRetriable(null)).toBe(true);
    expect(hasRetriableFlag(undefined)).toBe(false);
  });
});
