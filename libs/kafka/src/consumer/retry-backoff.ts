/**
 * The consumer's waits between retries: the shared backoff policy (`equalJitterBackoff` of
 * `@app/platform`, exponential with equal jitter) spent in short steps that keep the consumer's
 * heartbeats going and end early when it stops or loses the partition.
 */
import { equalJitterBackoff, type BackoffSettings } from '@app/platform';

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
    equalJitterBackoff(attempt, settings),
    settings.heartbeatIntervalMs,
    () => partition.heartbeat(),
    () => partition.shouldStop(),
  );
}
