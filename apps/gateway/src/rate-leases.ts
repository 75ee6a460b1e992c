/**
 * A key's rate limit shared by a gateway's worker processes without a round trip per request.
 * The primary holds each key's budget for the current one-second window and hands it out in
 * leases; a worker spends its lease locally and asks again only when it runs out. A request
 * therefore costs one IPC message only once per lease instead of once per request (the shared
 * counter it replaces cost ~100 µs of a worker's CPU per request on a busy 2-core machine,
 * most of it in the pipe write, and doubled the single-event latency tail; docs/benchmarks.md).
 *
 * The limit is never exceeded: a lease counts as spent in the primary's window when granted,
 * a worker's lease ends no later than that window (its end is reckoned from when the ask was
 * sent), and points a worker still holds when it asks again go back to the window they came
 * from, or lapse with it. The price is that points leased to a worker and not used by the
 * window's end are lost for that window, so a key sending at exactly its limit through several
 * workers can be refused a little early. Leases are kept small for that reason: a request smaller than `limit / 64`
 * tops its worker's lease up to that, a larger one (a batch) takes only what it needs, and no
 * lease takes more than a quarter of what is left in the window beyond its request, so as the
 * budget runs low leases shrink to what each request needs. At most `limit / 64` points per
 * worker can be left unused at the end of a window.
 *
 * Windows are fixed one-second windows starting at a key's first request, as in
 * rate-limiter-flexible's memory limiter that a single process uses, on each process's
 * monotonic clock (only durations cross between processes), so a wall-clock step changes
 * nothing.
 */
import { performance } from 'node:perf_hooks';
import { RateLimited, type KeyRateLimiter } from './domain/publisher-authenticator';

/**
 * What a worker asks for: `need` to admit the request, up to `want` to keep; and the points it
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
 * Granted points (0 = refused), what the window has left after that, when it ends, and which
 * window it is.
 */
export interface LeaseAnswer {
  readonly granted: number;
  readonly remaining: number;
  readonly msBeforeNext: number;
  readonly window: number;
}

interface Window {
  readonly id: number;
  readonly endsAt: number;
  spent: number;
}

const WINDOW_MS = 1_000;
/** Beyond the request's own points, a lease holds at most this share of the limit. */
const LEASE_SHARE_OF_LIMIT = 1 / 64;
/** …and at most this share of the window's remaining budget. */
const LEASE_SHARE_OF_REMAINING = 1 / 4;

const monotonic = () => performance.now();

/** The primary's side: every key's window, and the grant rule. */
export class RateBudgets {
  private readonly windows = new Map<string, Window>();
  private lastWindowId = 0;
  private sweepAt = 0;

  constructor(private readonly now: () => number = monotonic) {}

  lease(request: LeaseRequest): LeaseAnswer {
    const now = this.now();
    this.sweep(now);
    const key = `${request.limit}:${request.key}`;
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      window = { id: ++this.lastWindowId, endsAt: now + WINDOW_MS, spent: 0 };
      this.windows.set(key, window);
    }
    // Points from an ended window lapsed with it; from this one they are spent no more.
    if (request.window === window.id) window.spent = Math.max(0, window.spent - request.returning);
    const remaining = request.limit - window.spent;
    const msBeforeNext = window.endsAt - now;
    if (request.need > remaining) return { granted: 0, remaining, msBeforeNext, window: window.id };
    const extra = Math.min(
      request.want - request.need,
      Math.floor(request.limit * LEASE_SHARE_OF_LIMIT),
      Math.floor((remaining - request.need) * LEASE_SHARE_OF_REMAINING),
    );
    const granted = request.need + Math.max(0, extra);
    window.spent += granted;
    return { granted, remaining: remaining - granted, msBeforeNext, window: window.id };
  }

  /** Forgets ended windows now and then, so keys that stopped sending do not accumulate. */
  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + 10 * WINDOW_MS;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

interface Lease {
  readonly window: number;
  readonly endsAt: number;
  /** Points of this lease not spent yet. */
  remaining: number;
  /**
   * What the primary had left in the window when it answered. Within a window it grows only by
   * points other workers give back (at most `limit / 64` each), so a request needing more than
   * this and the lease together is refused here without asking.
   */
  readonly windowRemaining: number;
}

/**
 * A worker's side, for one limit: spends leases locally, asks `ask` (the primary) when a key's
 * lease cannot cover a request. Requests for a key that arrive while its ask is on the way wait
 * for that answer instead of sending their own, and share its failure if the primary does not
 * answer.
 */
export class LeasedRateLimiter implements KeyRateLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly asking = new Map<string, Promise<void>>();

  constructor(
    private readonly limit: number,
    private readonly ask: (request: LeaseRequest) => Promise<LeaseAnswer>,
    private readonly now: () => number = monotonic,
  ) {}

  /** Resolves when `points` are admitted; rejects with `RateLimited`, or the ask's own error. */
  async consume(key: string, points: number): Promise<void> {
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
    if (lease.endsAt <= now) {
      this.leases.delete(key);
      return false;
    }
    if (lease.remaining >= points) {
      lease.remaining -= points;
      return true;
    }
    if (points > lease.remaining + lease.windowRemaining) throw new RateLimited(lease.endsAt - now);
    return false;
  }

  /**
   * Asks for the request's points, giving back what this worker still holds for the key (one
   * ask per key is on its way at a time; meanwhile the lease is empty, so other requests wait
   * for the answer). A small request tops the lease up to a slice; a larger one (a batch) asks
   * for what it needs, since one message per batch is cheap next to its events, and a lease
   * left over from it could be lost to the window.
   */
  private async askFor(key: string, points: number): Promise<void> {
    const sentAt = this.now();
    const lease = this.leases.get(key);
    const held = lease !== undefined && lease.endsAt > sentAt ? lease.remaining : 0;
    if (lease !== undefined) lease.remaining = 0;
    const want = Math.max(points, Math.floor(this.limit * LEASE_SHARE_OF_LIMIT));
    // If the ask fails, the points held lapse: they may have reached the primary already.
    const answer = await this.ask({
      key,
      limit: this.limit,
      need: points,
      want,
      returning: held,
      window: held > 0 ? lease!.window : 0,
    });
    const admitted = answer.granted >= points;
    // Reckoned from the ask's departure, the lease ends no later than the primary's window.
    this.leases.set(key, {
      window: answer.window,
      endsAt: sentAt + answer.msBeforeNext,
      remaining: admitted ? answer.granted - points : 0,
      windowRemaining: answer.remaining,
    });
    if (!admitted) throw new RateLimited(answer.msBeforeNext);
  }
}
