/**
 * Bounded exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff
 * and Jitter"): the delay before retry n is uniform in [base/2, base] where base doubles per
 * attempt up to a ceiling. Jitter keeps the partitions of many consumers that failed on the
 * same outage from retrying in lock-step; the lower half bound keeps a retry from firing
 * immediately.
 */
export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Delay before the retry that follows failed attempt `attempt` (1-based). */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(exponent, 30));
  return Math.round(base / 2 + (base / 2) * random());
}

/**
 * Waits `ms`, calling `tick` every `tickMs` (heartbeats), and returns early with false as soon
 * as `shouldStop()` says the consumer is stopping or the partition was taken away.
 */
export async function waitWithTicks(
  ms: number,
  tickMs: number,
  tick: () => Promise<void>,
  shouldStop: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  const step = Math.max(10, Math.min(tickMs, 250));
  let nextTick = Date.now() + tickMs;
  while (Date.now() < deadline) {
    if (shouldStop()) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(step, deadline - Date.now())));
    if (Date.now() >= nextTick) {
      await tick();
      nextTick = Date.now() + tickMs;
    }
  }
  return !shouldStop();
}

/**
 * The wait before retry `attempt`: the backoff delay with heartbeats, cut short (false) when the
 * consumer stops or loses the partition.
 */
export function waitBeforeRetry(
  attempt: number,
  settings: BackoffSettings & { readonly heartbeatIntervalMs: number },
  partition: { heartbeat(): Promise<void>; shouldStop(): boolean },
): Promise<boolean> {
  return waitWithTicks(
    backoffDelay(attempt, settings),
    settings.heartbeatIntervalMs,
    () => partition.heartbeat(),
    () => partition.shouldStop(),
  );
}
