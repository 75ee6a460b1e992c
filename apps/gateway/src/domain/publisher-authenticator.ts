/**
 * Who is calling: the Bearer API key, looked up by its hash (cached for `cacheTtlMs`, so a
 * revocation takes effect within that time on every instance), and each key's rate limit in
 * events per second. Limits count across every gateway process sharing the database, through
 * leases of each key's budget (rate-leases.ts), not a database round trip per request.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { keyAllowsType, type ApiKeyRecord } from '@app/api-keys';
import type { Publisher } from './event-preparer';
import { GatewayError } from './gateway-errors';

export interface ApiKeyLookup {
  findActiveBySecret(secret: string): Promise<ApiKeyRecord | undefined>;
}

export interface AuthenticatedPublisher extends Publisher {
  readonly keyId: string;
  readonly rateLimitPerSecond: number;
}

interface CachedKey {
  /** Shared by concurrent requests with the same key, so a cold cache costs one lookup. */
  readonly key: Promise<ApiKeyRecord | undefined>;
  readonly fetchedAt: number;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Refused: the request needs more than is left of the key's budget for this second. */
export class RateLimited extends Error {
  override name = 'RateLimited';
  constructor(readonly msBeforeNext: number) {
    super(`rate limit reached; the next window starts in ${msBeforeNext} ms`);
  }
}

/** Takes `points` from a key's budget; rejects with `RateLimited`, or any other error when it cannot tell. */
export interface KeyRateLimiter {
  consume(key: string, points: number): Promise<unknown>;
}

/** A limiter allowing `eventsPerSecond` points per key per second. */
export type RateLimiterFactory = (eventsPerSecond: number) => KeyRateLimiter;

/** Counts in this process's memory (unit tests; the fallback while PostgreSQL does not answer). */
export const memoryRateLimiter: RateLimiterFactory = (eventsPerSecond) => {
  const limiter = new RateLimiterMemory({ points: eventsPerSecond, duration: 1 });
  return {
    consume: (key, points) =>
      limiter.consume(key, points).catch((rejection: unknown) => {
        throw rejection instanceof RateLimiterRes ? new RateLimited(rejection.msBeforeNext) : rejection;
      }),
  };
};

export class PublisherAuthenticator {
  private readonly cache = new Map<string, CachedKey>();
  private readonly limiters = new Map<number, KeyRateLimiter>();

  constructor(
    private readonly keys: ApiKeyLookup,
    private readonly defaultRatePerSecond: number,
    private readonly cacheTtlMs: number,
    private readonly now: () => number = Date.now,
    private readonly limiterFor: RateLimiterFactory = memoryRateLimiter,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthenticatedPublisher> {
    const secret = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (secret === undefined) {
      throw new GatewayError('unauthenticated', 'send the API key as "Authorization: Bearer <key>"');
    }
    const key = await this.lookup(secret);
    if (!key) throw new GatewayError('unauthenticated', 'the API key is unknown or revoked');
    return {
      keyId: key.id,
      producer: key.producer,
      rateLimitPerSecond: key.rateLimitPerSecond ?? this.defaultRatePerSecond,
      allows: (type) => keyAllowsType(key, type),
    };
  }

  /** Takes `events` from the key's budget for this second, or throws 429 with the wait. */
  async consume(publisher: AuthenticatedPublisher, events: number): Promise<void> {
    const limit = publisher.rateLimitPerSecond;
    if (events > limit) {
      // Never admissible, so not 429: a client that retries 429 would retry it for ever.
      throw new GatewayError(
        'exceeds-rate-limit',
        `this batch has ${events} events and the key's rate limit is ${limit} per second, so it can never be admitted; send at most ${limit} events per request`,
        [{ path: '/events', message: `at most ${limit} events, the key's limit per second` }],
      );
    }
    let limiter = this.limiters.get(limit);
    if (!limiter) {
      limiter = this.limiterFor(limit);
      this.limiters.set(limit, limiter);
    }
    try {
      await limiter.consume(publisher.keyId, events);
    } catch (rejection) {
      if (!(rejection instanceof RateLimited)) {
        // The shared budget did not answer (a worker's primary busy or gone).
        throw GatewayError.unavailable('cannot check the rate limit; retry shortly', 1, rejection);
      }
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new GatewayError(
        'rate-limited',
        `rate limit of ${limit} events per second exceeded`,
        [],
        seconds,
      );
    }
  }

  private async lookup(secret: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.cache.get(secret);
    if (cached && this.now() - cached.fetchedAt < this.cacheTtlMs) return cached.key;
    if (this.cache.size > 10_000) this.cache.clear();
    const key = this.keys.findActiveBySecret(secret).catch((error: unknown) => {
      this.cache.delete(secret);
      throw GatewayError.unavailable(
        'cannot check the API key (PostgreSQL unavailable); retry shortly',
        2,
        error,
      );
    });
    this.cache.set(secret, { key, fetchedAt: this.now() });
    return key;
  }
}
