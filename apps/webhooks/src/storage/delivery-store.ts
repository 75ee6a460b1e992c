/**
 * The delivery queue on PostgreSQL. Workers of every instance claim due deliveries with
 * FOR UPDATE SKIP LOCKED and take a lease (next_attempt_at moved past the attempt's timeout)
 * instead of holding a row lock during the HTTP call: a worker that dies mid-attempt leaves a
 * delivery that becomes due again when its lease ends. An ordered endpoint has at most one
 * delivery in flight, its oldest pending one. Finishing an attempt records it, moves the delivery
 * and updates the endpoint's health in one transaction.
 *
 * Rate limits: an endpoint with `rate_limit` N has at most N deliveries claimed per 1-second window
 * of PostgreSQL's clock (`date_trunc('second', now())`, the claim statement's start), counted in
 * `endpoint_rate_windows`. The count is taken in the claim statement itself, by an
 * INSERT ... ON CONFLICT DO UPDATE that locks the endpoint's window row and reads its latest
 * committed version, so concurrent claimers (any worker, any instance) serialise on that row and
 * cannot both take the last slot. A due delivery that finds no slot is left untouched (pending,
 * due, no attempt counted) and waits for the next window. Unlimited endpoints never touch the table.
 *
 * Cost per delivery: the claim walks the due index in order and stops at its limit whatever the
 * backlog (see CLAIM_PLAN), and the attempts finishing together are recorded in one transaction
 * (group commit), in the order they finished.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { GroupCommit } from '@app/persistence';
import type { StoredMessage } from '../delivery/payload-renderer';
import type { EndpointFormat } from '../domain/endpoint';
import { notifyEndpointChange } from './endpoint-rows';

export interface ClaimedDelivery {
  readonly id: string;
  readonly endpointId: string;
  /** Attempts made, this one included. */
  readonly attempt: number;
  readonly url: string;
  readonly versions: Readonly<Record<string, number>>;
  /** Read at the claim, like the pins: an attempt renders with the endpoint's settings of that moment. */
  readonly format: EndpointFormat;
  readonly traceparent: string | null;
  readonly message: StoredMessage;
}

export interface AttemptRecord {
  readonly attemptedAt: Date;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  /** `delivered`, `http_<status>`, or the error kind (`timeout`, `connect`, `ssrf`, `render`, ...). */
  readonly outcome: string;
  readonly error: string | null;
  readonly responseHeaders: string | null;
  readonly responseBody: string | null;
  /** What was sent, as JSON (the AttemptRequest of domain/delivery-queries.ts); null when nothing was. */
  readonly request?: string | null;
}

export type DeliveryTransition =
  | { readonly to: 'delivered' }
  | { readonly to: 'pending'; readonly delayMs: number }
  | { readonly to: 'failed'; readonly disableEndpoint: string | null };

interface ClaimRow {
  id: string;
  endpoint_id: string;
  attempts: number;
  url: string;
  versions: Record<string, number>;
  format: EndpointFormat;
  event_id: string;
  type: string;
  topic: string;
  time: string;
  source: string;
  subject: string | null;
  traceparent: string | null;
  value: Buffer;
}

interface Finished {
  readonly delivery: ClaimedDelivery;
  readonly attempt: AttemptRecord;
  readonly transition: DeliveryTransition;
}

/**
 * The claim's plan, for its transaction. Claiming is "the oldest due rows, skipping locked ones",
 * and only an ordered scan of `deliveries_due_idx` that stops at the limit costs the same whatever
 * the backlog. PostgreSQL's estimates of the due rows that pass the endpoint filters are far off
 * (a default selectivity for the ordered-endpoint test, and statistics from before a burst, when
 * pending rows were rare), and with FOR UPDATE a sort cannot stop early: it planned a full scan
 * and sort of every due row, whose cost grows with the backlog (docs/benchmarks.md, Webhooks). Sorting
 * only the few claimed rows (the window function) stays possible; JIT is off because those
 * penalties push the cost estimate past its threshold.
 */
const CLAIM_PLAN =
  'SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off; SET LOCAL jit = off';

export class PostgresDeliveryStore {
  private readonly finishes: GroupCommit<Finished, void>;

  constructor(
    private readonly db: Kysely<unknown>,
    /** An endpoint failing without success for this long is disabled. */
    private readonly disableAfterMs: number,
  ) {
    // One transaction at a time; the attempts that finish meanwhile go together in the next.
    this.finishes = new GroupCommit((items) => this.finishTogether(items), {
      maxConcurrent: 1,
      maxItems: 500,
      key: (item) => item.delivery.id,
      isolateFailures: true,
    });
  }

  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    // BEGIN and the plan go in one round trip (a query without parameters may hold several statements).
    const rows = await this.db.connection().execute(async (connection) => {
      await sql.raw(`BEGIN; ${CLAIM_PLAN}`).execute(connection);
      try {
        const claimed = await this.claimIn(connection, limit, leaseMs);
        await sql.raw('COMMIT').execute(connection);
        return claimed;
      } catch (error) {
        await sql
          .raw('ROLLBACK')
          .execute(connection)
          .catch(() => undefined);
        throw error;
      }
    });
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      attempt: r.attempts,
      url: r.url,
      versions: r.versions,
      format: r.format,
      traceparent: r.traceparent,
      message: {
        eventId: r.event_id,
        type: r.type,
        topic: r.topic,
        time: r.time,
        source: r.source,
        subject: r.subject,
        value: r.value,
      },
    }));
  }

  private async claimIn(connection: Kysely<unknown>, limit: number, leaseMs: number): Promise<ClaimRow[]> {
    // `due` skips endpoints whose current window was full in this statement's snapshot (a hint
    // that keeps their backlog from filling the batch); `grants` is the authority: the window
    // row's latest version, locked, in endpoint order (no deadlock between claimers). A new
    // window replaces an older one; a claimer that started before a window another has opened
    // since gets nothing. `used`/`granted` of the inserted row carry the request (at most N).
    const { rows } = await sql<ClaimRow>`
      WITH due AS (
        SELECT d.id, d.endpoint_id, d.next_attempt_at, e.rate_limit
        FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.enabled
          AND (NOT e.ordered OR d.message_id = (
            SELECT min(p.message_id) FROM deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.status = 'pending'))
          AND (e.rate_limit IS NULL OR NOT EXISTS (
            SELECT 1 FROM endpoint_rate_windows w
            WHERE w.endpoint_id = e.id AND w.window_start = date_trunc('second', now()) AND w.used >= e.rate_limit))
        ORDER BY d.next_attempt_at
        LIMIT ${limit}
        FOR UPDATE OF d SKIP LOCKED),
      ranked AS (
        SELECT id, endpoint_id, rate_limit,
               row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id) AS rank
        FROM due),
      wanted AS (
        SELECT endpoint_id, least(count(*), min(rate_limit))::int AS n, min(rate_limit) AS cap
        FROM ranked WHERE rate_limit IS NOT NULL GROUP BY endpoint_id),
      grants AS (
        INSERT INTO endpoint_rate_windows AS w (endpoint_id, window_start, used, granted)
        SELECT endpoint_id, date_trunc('second', now()), n, n FROM wanted ORDER BY endpoint_id
        ON CONFLICT (endpoint_id) DO UPDATE SET
          window_start = greatest(w.window_start, excluded.window_start),
          used = CASE
            WHEN excluded.window_start > w.window_start THEN excluded.used
            WHEN excluded.window_start = w.window_start
              THEN w.used + least(excluded.used, greatest(0, (SELECT cap FROM wanted WHERE endpoint_id = w.endpoint_id) - w.used))
            ELSE w.used END,
          granted = CASE
            WHEN excluded.window_start > w.window_start THEN excluded.used
            WHEN excluded.window_start = w.window_start
              THEN least(excluded.used, greatest(0, (SELECT cap FROM wanted WHERE endpoint_id = w.endpoint_id) - w.used))
            ELSE 0 END
        RETURNING endpoint_id, granted),
      claimable AS (
        SELECT r.id FROM ranked r LEFT JOIN grants g ON g.endpoint_id = r.endpoint_id
        WHERE r.rate_limit IS NULL OR r.rank <= g.granted)
      UPDATE deliveries d
      SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}), updated_at = now()
      FROM claimable, endpoints e, messages m
      WHERE d.id = claimable.id AND e.id = d.endpoint_id AND m.id = d.message_id
      RETURNING d.id, d.endpoint_id, d.attempts, e.url, e.versions, e.format, m.event_id, m.type, m.topic, m.time,
                m.source, m.subject, m.traceparent, m.value`.execute(connection);
    return rows;
  }

  /**
   * Milliseconds until the next pending delivery can be claimed (0 when one can be now), undefined
   * when none is pending. A delivery of an endpoint whose current rate window is full counts as
   * due when the next window opens, so the loop sleeps until then instead of spinning on it.
   */
  async nextDueInMs(): Promise<number | undefined> {
    const { rows } = await sql<{ wait: number | null }>`
      WITH full_windows AS (
        SELECT w.endpoint_id FROM endpoint_rate_windows w JOIN endpoints e ON e.id = w.endpoint_id
        WHERE w.window_start = date_trunc('second', now()) AND w.used >= e.rate_limit)
      SELECT greatest(0, extract(epoch FROM least(
        (SELECT min(d.next_attempt_at) FROM deliveries d
         WHERE d.status = 'pending' AND d.endpoint_id NOT IN (SELECT endpoint_id FROM full_windows)),
        (SELECT date_trunc('second', now()) + interval '1 second' FROM deliveries d
         WHERE d.status = 'pending' AND d.endpoint_id IN (SELECT endpoint_id FROM full_windows) LIMIT 1)
      ) - now()) * 1000)::float8 AS wait`.execute(this.db);
    const wait = rows[0]?.wait;
    return wait === null || wait === undefined ? undefined : wait;
  }

  /**
   * Deletes rate windows that ended over a minute ago (they count nothing: a claim in a later
   * window starts afresh), among them those of deleted endpoints; rows a claim holds are skipped.
   */
  async pruneRateWindows(): Promise<number> {
    const result = await sql`
      DELETE FROM endpoint_rate_windows WHERE endpoint_id IN (
        SELECT endpoint_id FROM endpoint_rate_windows WHERE window_start < now() - interval '1 minute'
        FOR UPDATE SKIP LOCKED)`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  /**
   * Deletes attempts of delivered deliveries older than `retentionMs`, `batch` rows per statement
   * (short transactions, no long locks); returns how many went.
   */
  async pruneAttempts(retentionMs: number, batch = 1_000): Promise<number> {
    let pruned = 0;
    for (;;) {
      const result = await sql`
        DELETE FROM attempts WHERE id IN (
          SELECT a.id FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE d.status = 'delivered' AND a.attempted_at < now() - make_interval(secs => ${retentionMs / 1000})
          LIMIT ${batch})`.execute(this.db);
      const deleted = Number(result.numAffectedRows ?? 0n);
      pruned += deleted;
      if (deleted < batch) return pruned;
    }
  }

  /**
   * Records an attempt, moves its delivery and updates its endpoint's health. Attempts finishing
   * while another group is being written share the next transaction; a group that fails is
   * written again one attempt at a time, so one bad record fails only its own call.
   */
  async finish(
    delivery: ClaimedDelivery,
    attempt: AttemptRecord,
    transition: DeliveryTransition,
  ): Promise<void> {
    await this.finishes.submit([{ delivery, attempt, transition }]);
  }

  private async finishTogether(items: readonly Finished[]): Promise<void[]> {
    const attempts = items.map((i) => i.attempt);
    const ids = items.map((i) => i.delivery.id);
    // Data-modifying CTEs run once whether or not the statement reads them, and commit with it.
    const recorded = sql`
      WITH recorded AS (
        INSERT INTO attempts (delivery_id, attempted_at, status_code, latency_ms, outcome, error, response_headers, response_body, request)
        SELECT * FROM unnest(
          ${ids}::text[], ${attempts.map((a) => a.attemptedAt.toISOString())}::timestamptz[],
          ${attempts.map((a) => a.statusCode)}::int[], ${attempts.map((a) => a.latencyMs)}::int[],
          ${attempts.map((a) => a.outcome)}::text[], ${attempts.map((a) => a.error)}::text[],
          ${attempts.map((a) => a.responseHeaders)}::text[], ${attempts.map((a) => a.responseBody)}::text[],
          ${attempts.map((a) => a.request ?? null)}::text[])),
      moved AS (
        UPDATE deliveries d SET
          status = u.status,
          next_attempt_at = CASE WHEN u.status = 'pending' THEN now() + make_interval(secs => u.delay_s) END,
          last_error = u.error, last_status = u.status_code, updated_at = now()
        FROM unnest(
          ${ids}::text[], ${items.map((i) => i.transition.to)}::text[],
          ${items.map((i) => (i.transition.to === 'pending' ? i.transition.delayMs / 1000 : 0))}::float8[],
          ${items.map((i) => (i.transition.to === 'delivered' ? null : (i.attempt.error ?? i.attempt.outcome)))}::text[],
          ${attempts.map((a) => a.statusCode)}::int[]) AS u(id, status, delay_s, error, status_code)
        WHERE d.id = u.id)`;
    const steps = healthSteps(items);
    const onlyRecovered = [...steps]
      .filter(([, list]) => list.length === 1 && list[0] === null)
      .map(([id]) => id);
    const endpointsRecovered = sql`
      UPDATE endpoints SET failing_since = NULL WHERE id = ANY(${onlyRecovered}::text[]) AND failing_since IS NOT NULL`;
    if (onlyRecovered.length === steps.size) {
      // The usual case, in one statement (one round trip): every endpoint of the group recovered.
      await sql`${recorded} ${endpointsRecovered}`.execute(this.db);
      return items.map(() => undefined);
    }
    await this.db.transaction().execute(async (tx) => {
      await sql`${recorded} ${endpointsRecovered}`.execute(tx);
      // Endpoints in id order (the order row locks are taken in), each one's steps in order.
      for (const [endpointId, list] of [...steps].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (list.length === 1 && list[0] === null) continue;
        for (const step of list) {
          if (step === null) await this.recovered(tx, endpointId);
          else await this.failed(tx, endpointId, step.reason);
        }
      }
    });
    return items.map(() => undefined);
  }

  private async recovered(tx: Transaction<unknown>, endpointId: string): Promise<void> {
    await sql`UPDATE endpoints SET failing_since = NULL WHERE id = ${endpointId} AND failing_since IS NOT NULL`.execute(
      tx,
    );
  }

  private async failed(tx: Transaction<unknown>, endpointId: string, reason: string | null): Promise<void> {
    const { rows } = await sql<{ disabled: boolean }>`
      UPDATE endpoints SET
        failing_since = coalesce(failing_since, now()),
        enabled = CASE WHEN ${reason}::text IS NOT NULL
                         OR coalesce(failing_since, now()) < now() - make_interval(secs => ${this.disableAfterMs / 1000})
                       THEN false ELSE enabled END,
        disabled_reason = CASE
          WHEN NOT enabled THEN disabled_reason
          WHEN ${reason}::text IS NOT NULL THEN ${reason}::text
          WHEN coalesce(failing_since, now()) < now() - make_interval(secs => ${this.disableAfterMs / 1000})
            THEN 'failing since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
          ELSE disabled_reason END,
        updated_at = now()
      WHERE id = ${endpointId}
      RETURNING NOT enabled AS disabled`.execute(tx);
    // Disabled just now: the endpoint directories (every instance) drop it at once.
    if (rows[0]?.disabled === true) await notifyEndpointChange(tx, endpointId);
  }
}

/** A step of an endpoint's health: null for a success (the failure clock stops), or a failure. */
type HealthStep = null | { readonly reason: string | null };

/**
 * Each endpoint's health steps in the order its attempts finished. Steps of different endpoints
 * touch different rows, so only each endpoint's own order matters; repeated successes, and
 * repeated failures without a reason to disable, leave the row as one of them does, so a run of
 * them is one step.
 */
function healthSteps(items: readonly Finished[]): Map<string, HealthStep[]> {
  const steps = new Map<string, HealthStep[]>();
  for (const { delivery, transition } of items) {
    const step: HealthStep =
      transition.to === 'delivered'
        ? null
        : { reason: transition.to === 'failed' ? transition.disableEndpoint : null };
    const list = steps.get(delivery.endpointId) ?? [];
    if (list.length === 0 || !sameStep(list[list.length - 1]!, step)) list.push(step);
    steps.set(delivery.endpointId, list);
  }
  return steps;
}

const sameStep = (a: HealthStep, b: HealthStep): boolean =>
  a === null ? b === null : b !== null && a.reason === null && b.reason === null;
