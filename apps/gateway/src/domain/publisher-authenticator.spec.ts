import type { ApiKeyRecord } from '@app/api-keys';
import { GatewayError } from './gateway-errors';
import { PublisherAuthenticator, type ApiKeyLookup } from './publisher-authenticator';

const key = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: 'key_1',
  producer: 'checkout',
  patterns: ['payments.*'],
  rateLimitPerSecond: null,
  hint: 'hrld_abcd',
  createdAt: new Date(0),
  revokedAt: null,
  ...overrides,
});

class FakeKeys implements ApiKeyLookup {
  readonly keys = new Map<string, ApiKeyRecord>();
  lookups = 0;

  async findActiveBySecret(secret: string): Promise<ApiKeyRecord | undefined> {
    this.lookups++;
    return this.keys.get(secret);
  }
}

describe('PublisherAuthenticator', () => {
  let now: number;
  let keys: FakeKeys;
  let authenticator: PublisherAuthenticator;

  beforeEach(() => {
    now = 0;
    keys = new FakeKeys();
    keys.keys.set('hrld_good', key());
    authenticator = new PublisherAuthenticator(keys, 10, 5_000, () => now);
  });

  it('authenticates a Bearer key and authorises by its type patterns', async () => {
    const publisher = await authenticator.authenticate('Bearer hrld_good');
    expect(publisher.producer).toBe('checkout');
    expect(publisher.allows('payments.payment.received')).toBe(true);
    expect(publisher.allows('orders.order.shipped')).toBe(false);
  });

  it.each([undefined, '', 'hrld_good', 'Basic aGk6aG8=', 'Bearer'])(
    'refuses authorization %p with 401',
    async (header) => {
      await expect(authenticator.authenticate(header)).rejects.toMatchObject({ kind: 'unauthenticated' });
    },
  );

  it('caches lookups for the TTL, so a revocation takes effect after it', async () => {
    await authenticator.authenticate('Bearer hrld_good');
    keys.keys.delete('hrld_good');
    await expect(authenticator.authenticate('Bearer hrld_good')).resolves.toBeDefined();
    expect(keys.lookups).toBe(1);
    now += 5_001;
    await expect(authenticator.authenticate('Bearer hrld_good')).rejects.toMatchObject({
      kind: 'unauthenticated',
    });
  });

  it('limits events per second per key, with a Retry-After', async () => {
    keys.keys.set('hrld_slow', key({ id: 'key_2', rateLimitPerSecond: 3 }));
    const slow = await authenticator.authenticate('Bearer hrld_slow');
    await authenticator.consume(slow, 2);
    await authenticator.consume(slow, 1);
    const error = await authenticator.consume(slow, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 1 });
    const other = await authenticator.authenticate('Bearer hrld_good');
    await expect(authenticator.consume(other, 10)).resolves.toBeUndefined();
  });

  it("refuses a request larger than the key's whole budget for a second as never admissible, not retriable", async () => {
    keys.keys.set('hrld_five', key({ id: 'key_5', rateLimitPerSecond: 5 }));
    const five = await authenticator.authenticate('Bearer hrld_five');
    const error = await authenticator.consume(five, 6).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      kind: 'exceeds-rate-limit',
      retriable: false,
      retryAfterSeconds: undefined,
      violations: [{ path: '/events', message: expect.stringContaining('at most 5 events') as unknown }],
    });
    // Its budget is untouched: five events still pass in the same second.
    await expect(authenticator.consume(five, 5)).resolves.toBeUndefined();
  });

  it('answers 503 with a Retry-After when the shared rate counter does not answer', async () => {
    const clustered = new PublisherAuthenticator(
      keys,
      10,
      5_000,
      () => now,
      () => ({
        consume: () =>
          Promise.reject(new Error('the primary did not answer a rate-limit lease within 2000 ms')),
      }),
    );
    const publisher = await clustered.authenticate('Bearer hrld_good');
    await expect(clustered.consume(publisher, 1)).rejects.toMatchObject({
      kind: 'unavailable',
      retryAfterSeconds: 1,
    });
  });
});
