/**
 * What a key's rate limit costs a gateway process per request: rate-limiter-flexible's memory
 * limiter (what a single-process gateway counted with before limits held across instances)
 * against the PostgreSQL leases every gateway process uses now (apps/gateway/src/domain/
 * rate-leases.ts). Measured as this process's CPU µs per request and PostgreSQL statements per
 * second, which a shared machine's load distorts far less than throughput or latency:
 *   1. the gateway bench's key (limit 10,000,000/s), 64 requests in flight, as fast as they go;
 *   2. a key at its limit (5,000/s), 64 requests in flight as fast as they go: leases adapt and
 *      most requests are refused, many without asking.
 *   npm run -s build && node dist/bench/rate-leases.bench.js   (PostgreSQL at DATABASE_URL)
 */
/* eslint-disable no-restricted-imports -- a component benchmark of the gateway's limiter, which no library
   exposes: it imports the gateway's own files, as its tests do */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase, migrateSchema } from '@app/persistence';
import {
  memoryRateLimiter,
  RateLimited,
  type KeyRateLimiter,
} from '../apps/gateway/src/domain/publisher-authenticator';
import { LeasedRateLimiter } from '../apps/gateway/src/domain/rate-leases';
import { PostgresRateLeases } from '../apps/gateway/src/storage/postgres-rate-leases.store';
import { rateWindowsMigration } from '../apps/gateway/src/storage/rate-leases-migrations';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const IN_FLIGHT = 64;

interface Result {
  readonly limiter: string;
  readonly limit: number;
  readonly requestsPerSec: number;
  readonly admittedPerSec: number;
  readonly cpuUsPerRequest: number;
  readonly statementsPerSec: number;
}

async function measure(
  name: string,
  limit: number,
  limiter: KeyRateLimiter,
  statements: () => number,
): Promise<Result> {
  const key = randomUUID();
  let requests = 0;
  let admitted = 0;
  const before = statements();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + SECONDS * 1_000;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        requests++;
        try {
          await limiter.consume(key, 1);
          admitted++;
        } catch (error) {
          if (!(error instanceof RateLimited)) throw error;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  return {
    limiter: name,
    limit,
    requestsPerSec: Math.round(requests / seconds),
    admittedPerSec: Math.round(admitted / seconds),
    cpuUsPerRequest: Math.round(((used.user + used.system) / requests) * 100) / 100,
    statementsPerSec: Math.round(((statements() - before) / seconds) * 10) / 10,
  };
}

async function main(): Promise<void> {
  const schema = `bench_rate_${randomUUID().slice(0, 8)}`;
  const db = createDatabase<unknown>({
    url: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/herald',
    schema,
  });
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
  try {
    await migrateSchema(db, schema, { '0003_rate_windows': rateWindowsMigration });
    const store = new PostgresRateLeases(db);
    let asked = 0;
    const lease = (request: Parameters<typeof store.lease>[0]) => {
      asked++;
      return store.lease(request);
    };
    const results: Result[] = [];
    for (const limit of [10_000_000, 5_000]) {
      // Alternating, twice each, after a warm-up of each.
      for (const round of [0, 1, 2]) {
        const memory = await measure('memory', limit, memoryRateLimiter(limit), () => 0);
        const leased = await measure(
          'postgres leases',
          limit,
          new LeasedRateLimiter(limit, lease),
          () => asked,
        );
        if (round > 0) results.push(memory, leased);
      }
    }
    console.table(results);
  } finally {
    await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(db);
    await db.destroy();
  }
}

void main();
