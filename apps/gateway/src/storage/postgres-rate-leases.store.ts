/**
 * The rate limits' shared budgets (domain/rate-leases.ts) in PostgreSQL, which every gateway
 * instance already has: one row per key and limit in `rate_windows` holding its current
 * one-second window (start on PostgreSQL's clock, points out), and one statement per lease.
 *
 * The statement is a single INSERT ... ON CONFLICT DO UPDATE: the row's lock serializes the
 * leases of a key across every instance, and the window and the grant are computed after that
 * lock is taken (clock_timestamp() in the update), so a statement that waited for the lock
 * across a window's end counts in the new window. What it returns reads the clock again after
 * the write, so the remaining time it reports can only be shorter than the truth.
 *
 * The grant rule (the same as the in-memory fake of the unit tests): refuse a request the window
 * cannot cover; otherwise grant it and, beyond it, up to what was asked but at most a quarter
 * of what would be left. Points given back count only in the window they came from.
 *
 * The table is UNLOGGED (no WAL: a lease is a hot-path write, and a crash that empties the table
 * only starts every key's window afresh) with room on its pages for in-place (HOT) updates.
 */
import { sql, type Kysely } from 'kysely';
import { memoryRateLimiter, type RateLimiterFactory } from '../domain/publisher-authenticator';
import {
  LeasedRateLimiter,
  RATE_WINDOW_MS,
  type LeaseAnswer,
  type LeaseRequest,
  type LeaseStore,
} from '../domain/rate-leases';

interface LeaseRow {
  granted: number;
  remaining: number;
  ms_before_next: string | number;
  window: string | number;
}

/** A lease not answered by then fails its requests with 503 (PostgreSQL busy or gone). */
const DEFAULT_TIMEOUT_MS = 2_000;

export class PostgresRateLeases<DB = unknown> {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /** The store port, bound. */
  readonly lease: LeaseStore = (request) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`PostgreSQL did not answer a rate-limit lease within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref();
    });
    return Promise.race([this.query(request), timeout]).finally(() => clearTimeout(timer));
  };

  private async query(r: LeaseRequest): Promise<LeaseAnswer> {
    const limit = sql`${r.limit}::integer`;
    const need = sql`${r.need}::integer`;
    const want = sql`${r.want}::integer`;
    const nowMs = sql`floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;
    const { rows } = await sql<LeaseRow>`
      INSERT INTO rate_windows AS w (key, rate_limit, started_ms, spent, granted)
      SELECT ${r.key}, ${limit}, ${nowMs}, g.granted, g.granted
      FROM (SELECT CASE WHEN ${need} > ${limit} THEN 0
                        ELSE ${need} + GREATEST(0, LEAST(${want} - ${need}, (${limit} - ${need}) / 4))
                   END AS granted) g
      ON CONFLICT (key, rate_limit) DO UPDATE SET (started_ms, spent, granted) = (
        SELECT b.started_ms, b.spent + g.granted, g.granted
        FROM (
          SELECT CASE WHEN w.started_ms + ${RATE_WINDOW_MS} <= n.ms THEN n.ms ELSE w.started_ms END AS started_ms,
                 CASE WHEN w.started_ms + ${RATE_WINDOW_MS} <= n.ms THEN 0
                      WHEN w.started_ms = ${r.window}::bigint THEN w.spent - LEAST(${r.returning}::integer, w.spent)
                      ELSE w.spent
                 END AS spent
          FROM (SELECT ${nowMs} AS ms) n
        ) b,
        LATERAL (
          SELECT CASE WHEN ${need} > ${limit} - b.spent THEN 0
                      ELSE ${need} + GREATEST(0, LEAST(${want} - ${need}, (${limit} - b.spent - ${need}) / 4))
                 END AS granted
        ) g
      )
      RETURNING granted, rate_limit - spent AS remaining,
                started_ms + ${RATE_WINDOW_MS} - ${nowMs} AS ms_before_next, started_ms AS window`.execute(
      this.db,
    );
    const row = rows[0]!;
    return {
      granted: row.granted,
      remaining: row.remaining,
      msBeforeNext: Number(row.ms_before_next),
      window: Number(row.window),
    };
  }
}

/**
 * The gateway's per-key rate limiters, every limit leasing from `rate_windows` through `db`, so
 * a key's limit holds across every process of every gateway instance on that database. While
 * PostgreSQL does not answer, each process counts alone in its memory (publishing goes on; the
 * limit then holds per process), and tries PostgreSQL again every few seconds.
 */
export function postgresRateLimiters<DB>(db: Kysely<DB>): RateLimiterFactory {
  const store = new PostgresRateLeases(db);
  return (eventsPerSecond) =>
    new LeasedRateLimiter(eventsPerSecond, store.lease, undefined, memoryRateLimiter(eventsPerSecond));
}
