/**
 * A key's rate limit shared by every gateway process (the workers of one host and every host)
 * without a round trip per request. A store every process shares (PostgreSQL:
 * storage/postgres-rate-leases.store.ts) holds each key's budget for its current one-second
 * window and hands it out in leases; a process spends its lease locally and asks again only when
 * it runs out. A request therefore reaches the store only once per lease.
 *
 * The limit is never exceeded: a lease counts as spent in the store's window when granted, a
 * process's lease ends no later than that window (its end is reckoned from when the ask was
 * sent, on this process's monotonic clock: only durations cross between machines), and points a
 * process still holds when it asks again go back to the window they came from, or lapse with it.
 * So whatever the number of processes and hosts, at most `limit` points are admitted per window.
 * The price is that points leased and not used by the window's end are lost for that window, so
 * a key sending at about its limit can be refused a little early. Lease sizes adapt to keep that
 * small while keeping asks rare: a process asks for what its own traffic for the key is expected
 * to use over the next 100 ms (its rate, measured between its asks), never beyond the window's
 * end, at least `limit / 64` and at most `limit / 4`; a request larger than that (a batch) takes
 * what it needs; and the store grants beyond the request at most a quarter of what the window
 * has left, so as the budget runs low, leases shrink to what each request needs.
 *
 * Windows are fixed one-second windows starting at a key's first request after the previous one
 * ended, as in rate-limiter-flexible's memory limiter, on the store's clock.
 */
import { performance } from 'node:perf_hooks';
import { RateLimited, type KeyRateLimiter } from './publisher-authenticator';

/**
 * What a process asks for: `need` to admit the request, up to `want` to keep; and the points it
 * still holds from its lease of window `window`, which it gives back.
 */
export interface LeaseRequest {
  readonly key: string;
  readonly limit: number;
  readonly need: number;
  readonly want: number;
  readonly returning: number;
  /** The window the returned points were leased from (0: none). */
  readonly window: number;
}

/**
 * Granted points (0 = refused), what the window has left after that, how long it still lasts,
 * and which window it is (a positive number the store chooses).
 */
export interface LeaseAnswer {
  readonly granted: number;
  readonly remaining: number;
  readonly msBeforeNext: number;
  readonly window: number;
}

/** The shared budgets (the port the PostgreSQL store implements). */
export type LeaseStore = (request: LeaseRequest) => Promise<LeaseAnswer>;

export const RATE_WINDOW_MS = 1_000;
/** A lease beyond its request's needs holds at least this share of the limit… */
const MIN_LEASE_SHARE = 1 / 64;
/** …and at most this share. */
const MAX_LEASE_SHARE = 1 / 4;
/** A lease aims to cover this much of the process's traffic for the key. */
const LEASE_HORIZON_MS = 100;
/** After the store failed to answer, how long the fallback counts before the store is tried again. */
const STORE_RETRY_MS = 5_000;

const monotonic = () => performance.now();

interface Lease {
  readonly window: number;
  readonly askedAt: number;
  readonly endsAt: number;
  /** Points of this lease not spent yet. */
  remaining: number;
  /** Points admitted from this lease, the asking request's included. */
  used: number;
  /** Points per ms this process admitted for the key, smoothed over its asks. */
  readonly rate: number | undefined;
  /**
   * What the store had left in the window when it answered. Within a window it grows only by
   * points other processes give back, so a request needing more than this and the lease
   * together is refused here without asking (other processes' give-backs are then lost to
   * this one, which only refuses early, never admits too much).
   */
  readonly windowRemaining: number;
}

/**
 * One process's side, for one limit: spends leases locally, asks `store` when a key's lease
 * cannot cover a request. Requests for a key that arrive while its ask is on the way wait for
 * that answer instead of sending their own, and share its failure if the store does not answer.
 */
export class LeasedRateLimiter implements KeyRateLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly asking = new Map<string, Promise<void>>();
  private readonly minLease: number;
  private readonly maxLease: number;
  /** Set when the store failed to answer: until then, requests go to the fallback. */
  private downUntil: number | undefined;

  /**
   * `fallback` (this process's own count) admits requests while the store does not answer, so
   * publishing goes on through a PostgreSQL outage; without it they fail with the store's error.
   */
  constructor(
    private readonly limit: number,
    private readonly store: LeaseStore,
    private readonly now: () => number = monotonic,
    private readonly fallback?: KeyRateLimiter,
  ) {
    this.minLease = Math.max(1, Math.floor(limit * MIN_LEASE_SHARE));
    this.maxLease = Math.max(1, Math.floor(limit * MAX_LEASE_SHARE));
  }

  /**
   * Resolves when `points` are admitted; rejects with `RateLimited`, or the store's own error
   * when there is no fallback.
   */
  async consume(key: string, points: number): Promise<void> {
    if (this.storeDown(key)) {
      await this.fallback!.consume(key, points);
      return;
    }
    try {
      await this.consumeLeased(key, points);
    } catch (error) {
      if (this.fallback === undefined || error instanceof RateLimited) throw error;
      // The store did not answer: count alone for a while, then try it again.
      this.downUntil = this.now() + STORE_RETRY_MS;
      await this.fallback.consume(key, points);
    }
  }

  /**
   * While the store is known to be down (it failed less than STORE_RETRY_MS ago, or the ask
   * trying it again is still on its way), requests go to the fallback instead of waiting.
   */
  private storeDown(key: string): boolean {
    if (this.downUntil === undefined || this.fallback === undefined) return false;
    return this.now() < this.downUntil || this.asking.has(key);
  }

  private async consumeLeased(key: string, points: number): Promise<void> {
    for (;;) {
      if (this.admittedLocally(key, points)) return;
      const pending = this.asking.get(key);
      if (pending === undefined) break;
      // Another request's ask: its answer may cover this one too. A refusal of that request
      // says nothing about this one (check again); no answer at all is this one's answer too.
      await pending.catch((error: unknown) => {
        if (!(error instanceof RateLimited)) throw error;
      });
    }
    const asked = this.askFor(key, points);
    this.asking.set(key, asked);
    asked.catch(() => undefined);
    try {
      await asked;
    } finally {
      if (this.asking.get(key) === asked) this.asking.delete(key);
    }
  }

  /** True when the lease covers the request; throws when the window cannot; false: ask. */
  private admittedLocally(key: string, points: number): boolean {
    const lease = this.leases.get(key);
    if (lease === undefined) return false;
    const now = this.now();
    if (lease.endsAt <= now) return false;
    if (lease.remaining >= points) {
      lease.remaining -= points;
      lease.used += points;
      return true;
    }
    if (points > lease.remaining + lease.windowRemaining) throw new RateLimited(lease.endsAt - now);
    return false;
  }

  /**
   * Asks for the request's points and a lease sized to this process's traffic for the key,
   * giving back what it still holds (one ask per key is on its way at a time; meanwhile the lease
   * is empty, so other requests wait for the answer).
   */
  private async askFor(key: string, points: number): Promise<void> {
    const sentAt = this.now();
    const last = this.leases.get(key);
    const current = last !== undefined && last.endsAt > sentAt;
    const held = current ? last.remaining : 0;
    let rate: number | undefined;
    if (last !== undefined) {
      last.remaining = 0;
      const observed = last.used / Math.max(1, sentAt - last.askedAt);
      rate = last.rate === undefined ? observed : (last.rate + observed) / 2;
    }
    // What the traffic is expected to use until the next ask, never beyond the window's end.
    const horizon = Math.min(LEASE_HORIZON_MS, current ? last.endsAt - sentAt : RATE_WINDOW_MS);
    const expected = rate === undefined ? 0 : Math.round(rate * horizon);
    const lease = Math.min(this.maxLease, Math.max(this.minLease, expected));
    // If the ask fails, the points held lapse: they may have reached the store already.
    const answer = await this.store({
      key,
      limit: this.limit,
      need: points,
      want: Math.max(points, lease),
      returning: held,
      window: held > 0 ? last!.window : 0,
    });
    this.downUntil = undefined;
    const admitted = answer.granted >= points;
    // Reckoned from the ask's departure, the lease ends no later than the store's window.
    this.leases.set(key, {
      window: answer.window,
      askedAt: sentAt,
      endsAt: sentAt + answer.msBeforeNext,
      remaining: admitted ? answer.granted - points : 0,
      used: admitted ? points : 0,
      rate,
      windowRemaining: answer.remaining,
    });
    if (!admitted) throw new RateLimited(answer.msBeforeNext);
  }
}
