/**
 * The jobs table as the admin API sees it (the JobStore port): create, read, list newest first,
 * cancel. A cancel takes the job's row lock, which a running job's batch also holds while it
 * writes (job-runs.postgres.ts): a batch either committed before the cancel, and is counted, or
 * finds the job cancelled and writes nothing. A cancelled replay withdraws its deliveries that no
 * worker has claimed yet (pending, never attempted), with the messages only they used.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type {
  CancelOutcome,
  JobFilter,
  JobKind,
  JobResult,
  JobState,
  JobStore,
  JobView,
  NewJob,
  ReplayResult,
} from '../domain/jobs';
import { guarded } from './endpoint-rows';
import type { WebhooksDatabase } from './webhooks-tables';

export interface JobRow {
  id: string;
  kind: JobKind;
  endpoint_id: string;
  state: JobState;
  since: Date;
  until: Date | null;
  done: string;
  total: string | null;
  result: JobResult | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** The columns a JobRow has, for the query builder (bigint counts come back as text). */
export const JOB_FIELDS = [
  'id',
  'kind',
  'endpoint_id',
  'state',
  'since',
  'until',
  'done',
  'total',
  'result',
  'error',
  'created_at',
  'started_at',
  'finished_at',
] as const;

/** The same columns for hand-written SQL. */
export const JOB_COLUMNS = sql.raw(
  'id, kind, endpoint_id, state, since, until, done::text, total::text, result, error, created_at, ' +
    'started_at, finished_at',
);

export function toJobView(row: JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind,
    endpointId: row.endpoint_id,
    state: row.state,
    since: row.since.toISOString(),
    until: row.until === null ? null : row.until.toISOString(),
    progress: { done: Number(row.done), total: row.total === null ? null : Number(row.total) },
    result: row.result,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at === null ? null : row.started_at.toISOString(),
    finishedAt: row.finished_at === null ? null : row.finished_at.toISOString(),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

/** Channel a queued job is announced on, so an idle runner (any instance) claims it at once. */
export const JOBS_CHANNEL = 'webhooks_jobs';

export class PostgresJobStore implements JobStore {
  constructor(private readonly db: Kysely<WebhooksDatabase>) {}

  create(job: NewJob): Promise<JobView | undefined> {
    return guarded(() =>
      this.db.transaction().execute(async (tx) => {
        const { rows } = await sql<JobRow>`
          INSERT INTO jobs (id, kind, endpoint_id, since, until)
          SELECT ${job.id}, ${job.kind}, ${job.endpointId}, ${job.since.toISOString()}::timestamptz,
                 ${job.until === null ? null : job.until.toISOString()}::timestamptz
          WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = ${job.endpointId})
          RETURNING ${JOB_COLUMNS}`.execute(tx);
        if (rows[0] === undefined) return undefined;
        await sql`SELECT pg_notify(${JOBS_CHANNEL}, ${job.id})`.execute(tx);
        return toJobView(rows[0]);
      }),
    );
  }

  find(id: string): Promise<JobView | undefined> {
    return guarded(async () => {
      const row = await this.db.selectFrom('jobs').select(JOB_FIELDS).where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toJobView(row);
    });
  }

  page(filter: JobFilter, before: string | undefined, limit: number): Promise<JobView[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('jobs')
        .select(JOB_FIELDS)
        .$if(filter.endpointId !== undefined, (query) =>
          query.where('endpoint_id', '=', filter.endpointId as string),
        )
        .$if(before !== undefined, (query) => query.where('id', '<', before as string))
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toJobView);
    });
  }

  cancel(id: string): Promise<CancelOutcome | undefined> {
    return guarded(() =>
      this.db.transaction().execute(async (tx) => {
        const { rows } = await sql<JobRow>`
          SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ${id} FOR UPDATE`.execute(tx);
        const current = rows[0];
        if (current === undefined) return undefined;
        if (current.state !== 'queued' && current.state !== 'running') {
          return { kind: 'ended', job: toJobView(current) } as const;
        }
        const withdrawn =
          current.kind === 'replay' ? await this.withdraw(tx, id, current.endpoint_id) : undefined;
        const result =
          withdrawn === undefined || current.result === null
            ? current.result
            : ({ ...(current.result as ReplayResult), withdrawn } satisfies ReplayResult);
        const updated = await sql<JobRow>`
          UPDATE jobs SET state = 'cancelled', finished_at = now(), updated_at = now(),
                 lease_owner = NULL, lease_until = NULL, result = ${result === null ? null : JSON.stringify(result)}::jsonb
          WHERE id = ${id} RETURNING ${JOB_COLUMNS}`.execute(tx);
        return { kind: 'cancelled', job: toJobView(updated.rows[0]!) } as const;
      }),
    );
  }

  /**
   * Deletes the job's deliveries no worker has claimed (a claim counts the attempt in its own
   * transaction, so `attempts = 0` is never one in flight) and the replayed messages left
   * without a delivery; returns how many deliveries went.
   */
  private async withdraw(
    tx: Transaction<WebhooksDatabase>,
    jobId: string,
    endpointId: string,
  ): Promise<number> {
    const deleted = await sql`
      DELETE FROM deliveries WHERE job_id = ${jobId} AND status = 'pending' AND attempts = 0`.execute(tx);
    await sql`
      DELETE FROM messages m WHERE m.job_id = ${jobId}
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.endpoint_id = ${endpointId} AND d.message_id = m.id)`.execute(
      tx,
    );
    return Number(deleted.numAffectedRows ?? 0n);
  }
}
