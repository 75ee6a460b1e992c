/**
 * Where the per-key rate limits count. One process: in its memory. Several worker processes
 * (GATEWAY_WORKERS > 1): in the primary, which every worker asks over IPC, so a key's limit
 * holds for the whole gateway process group rather than once per worker. Separate gateway
 * hosts still count on their own (docs/gateway.md).
 */
import { RateLimiterCluster, RateLimiterClusterMaster } from 'rate-limiter-flexible';
import { isClusterWorker } from '@app/platform';
import { memoryRateLimiter, type RateLimiterFactory } from './domain/publisher-authenticator';

export const clusterRateLimiter: RateLimiterFactory = (eventsPerSecond) =>
  new RateLimiterCluster({
    keyPrefix: `herald-gateway-${eventsPerSecond}`,
    points: eventsPerSecond,
    duration: 1,
    timeoutMs: 2_000,
  });

export const rateLimiterForThisProcess = (): RateLimiterFactory =>
  isClusterWorker() ? clusterRateLimiter : memoryRateLimiter;

/** In the primary, before the workers start: holds the counters they share. */
export function serveSharedRateLimits(): void {
  new RateLimiterClusterMaster();
}
