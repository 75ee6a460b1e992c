/**
 * What an attempt's outcome means for its delivery (the receiver side of the contract in
 * docs/webhooks.md): only 2xx is success; 410 Gone disables the endpoint; 429 and 503 honour
 * `Retry-After` (seconds or an HTTP date) within bounds; anything else (other statuses, 3xx —
 * redirects are not followed —, network errors, refused destinations) is retried on the schedule
 * `delays` (the delay before each attempt, the first included), each delay ±20 % jitter. After
 * the last attempt the delivery is failed: listable and retryable by an operator.
 */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: 'error' };

export type Verdict =
  | { readonly next: 'delivered' }
  | { readonly next: 'retry'; readonly delayMs: number }
  | { readonly next: 'failed'; readonly disableEndpoint: boolean };

/** Retry-After is honoured up to this bound; a longer one is cut (a receiver cannot park deliveries for days). */
export const MAX_RETRY_AFTER_MS = 6 * 3_600_000;

export class RetryPolicy {
  constructor(
    private readonly delays: readonly number[],
    private readonly random: () => number = Math.random,
  ) {
    if (delays.length === 0) throw new RangeError('the retry schedule needs at least one attempt');
  }

  get maxAttempts(): number {
    return this.delays.length;
  }

  /** Delay before attempt `attempt` (1-based), with ±20 % jitter (none for a 0 delay). */
  delayBefore(attempt: number): number {
    const base = this.delays[Math.min(attempt, this.delays.length) - 1] ?? 0;
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  /** `attempts` = attempts made so far, this one included. */
  verdict(outcome: AttemptOutcome, attempts: number, now: Date): Verdict {
    if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300)
      return { next: 'delivered' };
    if (outcome.kind === 'response' && outcome.status === 410)
      return { next: 'failed', disableEndpoint: true };
    if (attempts >= this.delays.length) return { next: 'failed', disableEndpoint: false };
    let delayMs = this.delayBefore(attempts + 1);
    if (outcome.kind === 'response' && (outcome.status === 429 || outcome.status === 503)) {
      const asked = retryAfterMs(outcome.retryAfter, now);
      if (asked !== undefined) delayMs = Math.max(delayMs, Math.min(asked, MAX_RETRY_AFTER_MS));
    }
    return { next: 'retry', delayMs };
  }
}

/** `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}
