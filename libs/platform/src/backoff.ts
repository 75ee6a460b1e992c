/**
 * Herald's one retry backoff: bounded exponential backoff with **equal jitter** (AWS
 * architecture blog, "Exponential Backoff and Jitter"). The bound doubles per attempt up to a
 * ceiling, and the delay is uniform in [bound/2, bound]: the jitter keeps the partitions of many
 * consumers (or many clients) that failed on the same outage from retrying in lock-step, and the
 * lower half keeps a retry from firing at once, so a few attempts still span a brief outage
 * (full jitter, uniform in [0, bound], may spend them all within milliseconds).
 *
 * `@herald/sdk` keeps a dependency-free copy of this policy (libs/sdk/src/retry-policy.ts): it is
 * packed on its own and may import nothing but `@app/events`.
 */
export interface BackoffSettings {
  /** The bound of the first retry; doubles with each further one. */
  readonly initialMs: number;
  /** The ceiling of the bound. */
  readonly maxMs: number;
}

/** The upper bound of the delay before the retry that follows failed attempt `attempt` (1-based). */
export function backoffBound(attempt: number, settings: BackoffSettings): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(exponent, 30));
}

/** Delay before the retry that follows failed attempt `attempt` (1-based): equal jitter. */
export function equalJitterBackoff(
  attempt: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const bound = backoffBound(attempt, settings);
  return Math.round(bound / 2 + (bound / 2) * random());
}
