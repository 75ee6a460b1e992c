/**
 * An open-loop load generator: requests are due at a constant rate on a fixed schedule, and
 * each one's latency runs from its *intended* send time, not from when a free connection let
 * it go. A slow server therefore shows up as queueing delay in the percentiles instead of
 * silently lowering the offered load (coordinated omission, which closed-loop tools such as
 * autocannon's `overallRate` suffer from).
 */
import { Agent, request } from 'node:http';

export interface OpenLoopOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The same body every time, or one per request (e.g. a fresh event id each). */
  readonly body: string | (() => string);
  readonly ratePerSecond: number;
  readonly seconds: number;
  /** The status every response must have; others are counted as errors. */
  readonly expectStatus: number;
}

export interface LatencySummary {
  readonly requests: number;
  readonly errors: number;
  readonly achievedPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export async function runOpenLoop(options: OpenLoopOptions): Promise<LatencySummary> {
  const target = new URL(options.url);
  // Enough sockets that the generator never throttles itself; waiting for one still counts.
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(options.ratePerSecond * options.seconds);
  const interval = 1000 / options.ratePerSecond;
  const latencies = new Float64Array(total);
  const fixed = typeof options.body === 'string' ? Buffer.from(options.body) : undefined;
  const nextBody = typeof options.body === 'string' ? () => fixed! : options.body;
  let done = 0;
  let errors = 0;
  let sent = 0;
  const start = performance.now();

  return new Promise((resolve) => {
    const finish = (index: number, ok: boolean, intended: number) => {
      latencies[index] = performance.now() - intended;
      if (!ok) errors++;
      if (++done < total) return;
      agent.destroy();
      const elapsed = (performance.now() - start) / 1000;
      const sorted = latencies.sort();
      resolve({
        requests: total,
        errors,
        achievedPerSecond: Math.round(total / elapsed),
        p50Ms: round2(percentile(sorted, 50)),
        p90Ms: round2(percentile(sorted, 90)),
        p99Ms: round2(percentile(sorted, 99)),
        maxMs: round2(sorted[sorted.length - 1] ?? Number.NaN),
      });
    };
    const send = (index: number, intended: number) => {
      const body = nextBody();
      const headers = { ...options.headers, 'content-length': String(Buffer.byteLength(body)) };
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers,
        },
        (res) => {
          res.resume();
          res.once('end', () => finish(index, res.statusCode === options.expectStatus, intended));
        },
      );
      req.once('error', () => finish(index, false, intended));
      req.end(body);
    };
    // Every tick sends all requests whose intended time has come, so a late timer sends a
    // burst (as a real steady client would have) and their latency includes the lateness.
    const pump = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        send(sent, start + sent * interval);
        sent++;
      }
      if (sent < total) setTimeout(pump, Math.max(0, start + sent * interval - performance.now()));
    };
    pump();
  });
}
