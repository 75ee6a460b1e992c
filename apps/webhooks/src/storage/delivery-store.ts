/**
 * The delivery queue on PostgreSQL. Workers of every instance claim due deliveries with
 * FOR UPDATE SKIP LOCKED and take a lease (next_attempt_at moved past the attempt's timeout)
 * instead of holding a row lock during the HTTP call: a worker that dies mid-attempt leaves a
 * delivery that becomes due again when its lease ends. An ordered endpoint has at most one
 * delivery in flight, its oldest pending one. Finishing an attempt records it, moves the delivery
 * and updates the endpoint's health in one transaction.
 */
import { sql, type Kysely } from 'kysely';
import type { StoredMessage } from '../delivery/payload-renderer';
import { notifyEndpointChange } from './endpoint-rows';

export interface ClaimedDelivery {
  readonly id: string;
  readonly endpointId: string;
  /** Attempts made, this one included. */
  readonly attempt: number;
  readonly url: string;
  readonly versions: Readonly<Record<string, number>>;
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
  event_id: string;
  type: string;
  topic: string;
  time: string;
  source: string;
  subject: string | null;
  traceparent: string | null;
  value: Buffer;
}

export class PostgresDeliveryStore {
  constructor(
    private readonly db: Kysely<unknown>,
    /** An endpoint failing without success for this long is disabled. */
    private readonly disableAfterMs: number,
  ) {}

  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { rows } = await sql<ClaimRow>`
      WITH due AS (
        SELECT d.id FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.enabled
          AND (NOT e.ordered OR d.message_id = (
            SELECT min(p.message_id) FROM deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.status = 'pending'))
        ORDER BY d.next_attempt_at
        LIMIT ${limit}
        FOR UPDATE OF d SKIP LOCKED)
      UPDATE deliveries d
      SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}), updated_at = now()
      FROM due, endpoints e, messages m
      WHERE d.id = due.id AND e.id = d.endpoint_id AND m.id = d.message_id
      RETURNING d.id, d.endpoint_id, d.attempts, e.url, e.versions, m.event_id, m.type, m.topic, m.time,
                m.source, m.subject, m.traceparent, m.value`.execute(this.db);
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      attempt: r.attempts,
      url: r.url,
      versions: r.versions,
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

  /** Milliseconds until the next pending delivery is due (0 when one is due now), undefined when none is pending. */
  async nextDueInMs(): Promise<number | undefined> {
    const { rows } = await sql<{ wait: number | null }>`
      SELECT greatest(0, extract(epoch FROM min(next_attempt_at) - now()) * 1000)::float8 AS wait
      FROM deliveries WHERE status = 'pending'`.execute(this.db);
    const wait = rows[0]?.wait;
    return wait === null || wait === undefined ? undefined : wait;
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

  async finish(
    delivery: ClaimedDelivery,
    attempt: AttemptRecord,
    transition: DeliveryTransition,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await sql`
        INSERT INTO attempts (delivery_id, attempted_at, status_code, latency_ms, outcome, error, response_headers, response_body)
        VALUES (${delivery.id}, ${attempt.attemptedAt.toISOString()}, ${attempt.statusCode}, ${attempt.latencyMs},
                ${attempt.outcome}, ${attempt.error}, ${attempt.responseHeaders}, ${attempt.responseBody})`.execute(
        tx,
      );
      const error = transition.to === 'delivered' ? null : (attempt.error ?? attempt.outcome);
      await sql`
        UPDATE deliveries SET
          status = ${transition.to},
          next_attempt_at = ${transition.to === 'pending' ? sql`now() + make_interval(secs => ${transition.delayMs / 1000})` : null},
          last_error = ${error}, last_status = ${attempt.statusCode}, updated_at = now()
        WHERE id = ${delivery.id}`.execute(tx);
      if (transition.to === 'delivered') {
        await sql`UPDATE endpoints SET failing_since = NULL WHERE id = ${delivery.endpointId} AND failing_since IS NOT NULL`.execute(
          tx,
        );
        return;
      }
      const reason = transition.to === 'failed' ? transition.disableEndpoint : null;
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
        WHERE id = ${delivery.endpointId}
        RETURNING NOT enabled AS disabled`.execute(tx);
      // Disabled just now: the endpoint directories (every instance) drop it at once.
      if (rows[0]?.disabled === true) await notifyEndpointChange(tx, delivery.endpointId);
    });
  }
}
