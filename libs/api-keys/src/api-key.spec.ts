/** What an API key may publish, and the secret format and hash. */
import {
  ApiKeyInputError,
  API_KEY_PREFIX,
  assertTypePattern,
  generateApiKeySecret,
  hashApiKeySecret,
  keyAllowsType,
  typeMatchesPattern,
} from './api-key';

describe('typeMatchesPattern', () => {
  it.each([
    ['payments.payment.received', 'payments.payment.received'],
    ['payments.payment.received', 'payments.*'],
    ['payments.payment.received', 'payments.payment.*'],
    ['payments.payment.received', '*'],
    ['payments.payment.received', '*.payment.received'],
    ['payments.payment.received', 'payments.*.received'],
    ['payments.payment.received', '*.*.*'],
    ['payments.refund.issued', 'payments.*'],
  ])('%s matches %s', (type, pattern) => {
    expect(typeMatchesPattern(type, pattern)).toBe(true);
  });

  it.each([
    ['orders.order.shipped', 'payments.*'],
    ['payments.payment.received', 'payments.payment'],
    ['payments.payment.received', 'payments'],
    ['payments.payment.received', 'payments.payment.received.extra'],
    ['payments.payment.received', 'payments.payment.received.*'],
    ['payments.payment.received', 'payments.*.refunded'],
    ['payments.payment.received', '*.order.*'],
    ['payments.payment.received', 'payment.*'],
    ['paymentsx.payment.received', 'payments.*'],
    ['payments', 'payments.*'],
    ['payments.payment', '*.*.*'],
    ['', 'payments.*'],
  ])('%s does not match %s', (type, pattern) => {
    expect(typeMatchesPattern(type, pattern)).toBe(false);
  });

  it('a trailing * needs at least one more segment', () => {
    expect(typeMatchesPattern('payments', 'payments.*')).toBe(false);
    expect(typeMatchesPattern('payments.x', 'payments.*')).toBe(true);
  });
});

describe('keyAllowsType', () => {
  it('allows a type matched by any of the key’s patterns and nothing else', () => {
    const key = { patterns: ['orders.order.shipped', 'payments.*'] };
    expect(keyAllowsType(key, 'payments.payment.received')).toBe(true);
    expect(keyAllowsType(key, 'orders.order.shipped')).toBe(true);
    expect(keyAllowsType(key, 'orders.order.cancelled')).toBe(false);
    expect(keyAllowsType({ patterns: [] }, 'payments.payment.received')).toBe(false);
  });
});

describe('assertTypePattern', () => {
  it.each(['payments.*', '*', 'payments.payment.received', '*.payment.*'])('accepts %s', (pattern) => {
    expect(() => assertTypePattern(pattern)).not.toThrow();
  });

  it.each([
    '',
    'payments.',
    'Payments.*',
    'payments.**',
    'a.b.c.d',
    'payments.payment.received.*',
    'pay ments',
  ])('refuses %j', (pattern) => {
    expect(() => assertTypePattern(pattern)).toThrow(ApiKeyInputError);
  });
});

describe('secrets', () => {
  it('are prefixed, random, and hashed to a stable SHA-256 hex digest', () => {
    const a = generateApiKeySecret();
    const b = generateApiKeySecret();
    expect(a.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(a).toMatch(/^hrld_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashApiKeySecret(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKeySecret(a)).toBe(hashApiKeySecret(a));
    expect(hashApiKeySecret(a)).not.toBe(hashApiKeySecret(b));
  });
});
