/**
 * What the webhooks benchmark needs beside the gateway stack and the audit's kit: a catalog
 * holding the bench's event types (the app validates endpoint types and reads tenants from it),
 * a receiver that holds every request unanswered (so the fan-out is measured without deliveries
 * competing for the CPU), and the arithmetic of rates and percentiles over arrival times.
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './gateway-stack';

const SOURCE = join(ROOT, 'schemas', 'payments', 'payments.payment.received');

/** A catalog with each of `types` (all of one domain) as a copy of payments.payment.received. */
export async function benchCatalog(
  types: readonly string[],
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-webhooks-bench-'));
  for (const type of types) {
    const domain = type.split('.')[0]!;
    await mkdir(join(dir, domain), { recursive: true });
    await cp(SOURCE, join(dir, domain, type), { recursive: true });
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Accepts connections and reads requests but never answers: the delivery worker's attempts
 * (WEBHOOKS_CONCURRENCY of them) stay in flight, so it claims nothing more while the fan-out
 * runs. `release()` drops the connections (the attempts fail as `network` errors) and every
 * later one, until `hold()` holds again.
 */
export class HoldingReceiver {
  private readonly sockets = new Set<Socket>();
  private holding = true;
  private readonly server: Server = createServer((socket) => {
    if (!this.holding) return void socket.destroy();
    this.sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Connections open (one per attempt held). */
  get held(): number {
    return this.sockets.size;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.release();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
export const round2 = (x: number) => Math.round(x * 100) / 100;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The p-th percentile (nearest rank) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface WindowRate {
  /** Arrivals per second over the window. */
  readonly perSec: number;
  readonly count: number;
  readonly seconds: number;
  /** Window bounds (epoch ms). */
  readonly from: number;
  readonly to: number;
}

/**
 * Arrivals per second over `windowMs`, starting `warmMs` after the first arrival (connections,
 * JIT and the first claims stay out), or up to the last arrival when they stopped earlier.
 */
export function rateOver(times: readonly number[], warmMs: number, windowMs: number): WindowRate {
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[0] ?? Number.NaN;
  const from = first + warmMs;
  const to = Math.min(from + windowMs, sorted[sorted.length - 1] ?? Number.NaN);
  const count = sorted.filter((t) => t > from && t <= to).length;
  const seconds = (to - from) / 1000;
  if (!(seconds > 0)) throw new Error(`too few arrivals for a rate: ${sorted.length}`);
  return { perSec: Math.round(count / seconds), count, seconds: round2(seconds), from, to };
}
