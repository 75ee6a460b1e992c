/** DeliveryReader on PostgreSQL: keyset pages over delivery ids (uuidv7: newest first), attempts, stats. */
import { sql, type Kysely } from 'kysely';
import type { DeliveryFilter } from '../domain/delivery-requests';
import type {
  AttemptRequest,
  AttemptView,
  DeliveryReader,
  DeliveryView,
  EndpointStats,
} from '../domain/delivery-queries';

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  type: string;
  origin: DeliveryView['origin'];
  job_id: string | null;
  status: DeliveryView['status'];
  attempts: number;
  next_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = sql`id, endpoint_id, event_id, type, origin, job_id, status, attempts, next_attempt_at, last_status, last_error, created_at, updated_at`;

function view(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    type: row.type,
    origin: row.origin,
    jobId: row.job_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt:
      row.status === 'pending' && row.next_attempt_at !== null ? row.next_attempt_at.toISOString() : null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export class PostgresDeliveryReader implements DeliveryReader {
  constructor(private readonly db: Kysely<unknown>) {}

  async page(filter: DeliveryFilter, before: string | undefined, limit: number): Promise<DeliveryView[]> {
    const conditions = [sql`true`];
    if (filter.endpointId !== undefined) conditions.push(sql`endpoint_id = ${filter.endpointId}`);
    if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
    if (filter.type !== undefined) conditions.push(sql`type = ${filter.type}`);
    if (before !== undefined) conditions.push(sql`id < ${before}`);
    const { rows } = await sql<DeliveryRow>`
      SELECT ${COLUMNS} FROM deliveries WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY id DESC LIMIT ${limit}`.execute(this.db);
    return rows.map(view);
  }

  async find(id: string): Promise<DeliveryView | undefined> {
    const { rows } = await sql<DeliveryRow>`SELECT ${COLUMNS} FROM deliveries WHERE id = ${id}`.execute(
      this.db,
    );
    return rows[0] && view(rows[0]);
  }

  async attempts(id: string): Promise<AttemptView[]> {
    const { rows } = await sql<{
      attempted_at: Date;
      status_code: number | null;
      latency_ms: number;
      outcome: string;
      error: string | null;
      response_headers: string | null;
      response_body: string | null;
      request: string | null;
    }>`SELECT attempted_at, status_code, latency_ms, outcome, error, response_headers, response_body, request
       FROM attempts WHERE delivery_id = ${id} ORDER BY id`.execute(this.db);
    return rows.map((r) => ({
      attemptedAt: r.attempted_at.toISOString(),
      request: r.request === null ? null : (JSON.parse(r.request) as AttemptRequest),
      statusCode: r.status_code,
      latencyMs: r.latency_ms,
      outcome: r.outcome,
      error: r.error,
      responseHeaders:
        r.response_headers === null ? null : (JSON.parse(r.response_headers) as Record<string, string>),
      responseBody: r.response_body,
    }));
  }

  async retryNow(id: string): Promise<DeliveryView | undefined> {
    const { rows } = await sql<DeliveryRow>`
      UPDATE deliveries SET status = 'pending', next_attempt_at = now(), updated_at = now()
      WHERE id = ${id} RETURNING ${COLUMNS}`.execute(this.db);
    if (rows[0] !== undefined) await sql`SELECT pg_notify('webhooks_deliveries', '')`.execute(this.db);
    return rows[0] && view(rows[0]);
  }

  async stats(endpointId: string): Promise<EndpointStats | undefined> {
    const { rows } = await sql<{
      exists: boolean;
      pending: string;
      delivered: string;
      failed: string;
      due: string;
      scheduled: string;
      attempts: string;
      succeeded: string;
      p50: number | null;
      p90: number | null;
      p99: number | null;
    }>`
      SELECT EXISTS (SELECT 1 FROM endpoints WHERE id = ${endpointId}) AS exists,
        count(*) FILTER (WHERE d.status = 'pending')::text AS pending,
        count(*) FILTER (WHERE d.status = 'delivered')::text AS delivered,
        count(*) FILTER (WHERE d.status = 'failed')::text AS failed,
        count(*) FILTER (WHERE d.status = 'pending' AND d.next_attempt_at <= now())::text AS due,
        count(*) FILTER (WHERE d.status = 'pending' AND d.next_attempt_at > now())::text AS scheduled,
        (SELECT count(*) FROM attempts a JOIN deliveries x ON x.id = a.delivery_id
          WHERE x.endpoint_id = ${endpointId} AND a.attempted_at > now() - interval '24 hours')::text AS attempts,
        (SELECT count(*) FROM attempts a JOIN deliveries x ON x.id = a.delivery_id
          WHERE x.endpoint_id = ${endpointId} AND a.attempted_at > now() - interval '24 hours'
            AND a.outcome = 'delivered')::text AS succeeded,
        l.p50, l.p90, l.p99
      FROM deliveries d
      RIGHT JOIN (SELECT 1) one ON d.endpoint_id = ${endpointId}
      CROSS JOIN LATERAL (
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a.latency_ms)::float8 AS p50,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY a.latency_ms)::float8 AS p90,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY a.latency_ms)::float8 AS p99
        FROM attempts a JOIN deliveries x ON x.id = a.delivery_id
        WHERE x.endpoint_id = ${endpointId} AND a.attempted_at > now() - interval '24 hours') l
      GROUP BY l.p50, l.p90, l.p99`.execute(this.db);
    const row = rows[0];
    if (row === undefined || !row.exists) return undefined;
    const last = await sql<{ attempted_at: Date; outcome: string; error: string | null }>`
      SELECT a.attempted_at, a.outcome, a.error FROM attempts a JOIN deliveries x ON x.id = a.delivery_id
      WHERE x.endpoint_id = ${endpointId} AND a.outcome <> 'delivered'
      ORDER BY a.attempted_at DESC LIMIT 1`.execute(this.db);
    const attempts = Number(row.attempts);
    const lastError = last.rows[0];
    return {
      endpointId,
      deliveries: {
        pending: Number(row.pending),
        delivered: Number(row.delivered),
        failed: Number(row.failed),
      },
      successRate: attempts === 0 ? null : Number(row.succeeded) / attempts,
      attemptsLast24h: attempts,
      latencyMs: { p50: row.p50, p90: row.p90, p99: row.p99 },
      lastError:
        lastError === undefined
          ? null
          : { at: lastError.attempted_at.toISOString(), outcome: lastError.outcome, error: lastError.error },
      backlog: { due: Number(row.due), scheduled: Number(row.scheduled) },
    };
  }
}
