/**
 * Retries with Herald's one backoff policy: exponential backoff with equal jitter (a random delay
 * between half the exponential bound and the bound, so that many clients failing together do not
 * retry together, and no retry fires at once). A `Retry-After` from the gateway is honoured as a
 * lower bound, capped so a bad header cannot stall a service. Only errors marked `retriable` are
 * retried; the request must be idempotent, which the event id makes it.
 */
import { abortReason, HeraldError, HeraldProblemError } from './herald-errors';

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number;
  /** The first backoff bound; doubles with each attempt. */
  baseDelayMs: number;
  /** Upper bound of any one wait, `Retry-After` included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = { retries: 5, baseDelayMs: 100, maxDelayMs: 30_000 };

/**
 * Delay before the retry that follows failed attempt `attempt` (1-based): uniform in
 * [bound/2, bound], the bound `initialMs` doubling per attempt up to `maxMs`. A dependency-free
 * copy of `equalJitterBackoff` in libs/platform/src/backoff.ts (the SDK is packed on its own and
 * imports nothing but the event types); both are tested against the same figures.
 */
export function equalJitterBackoff(
  attempt: number,
  settings: { readonly initialMs: number; readonly maxMs: number },
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const bound = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(exponent, 30));
  return Math.round(bound / 2 + (bound / 2) * random());
}

/** The wait before retry number `attempt` (0-based) after `error`. */
export function retryDelayMs(
  error: HeraldError,
  attempt: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const settings = { initialMs: options.baseDelayMs, maxMs: options.maxDelayMs };
  const jittered = equalJitterBackoff(attempt + 1, settings, random);
  const retryAfter = error instanceof HeraldProblemError ? error.retryAfterMs : undefined;
  if (retryAfter === undefined) return jittered;
  return Math.min(options.maxDelayMs, Math.max(retryAfter, jittered));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      if (signal !== undefined) reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `attempt` until it succeeds, fails for good, or the retries are used up (then the last error). */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions,
  signal?: AbortSignal,
): Promise<T> {
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const retriable = error instanceof HeraldError && error.retriable;
      if (!retriable || attemptNumber >= options.retries) throw error;
      await sleep(retryDelayMs(error, attemptNumber, options), signal);
    }
  }
}
