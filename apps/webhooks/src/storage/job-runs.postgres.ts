/**
 * JobRuns on PostgreSQL. A job is claimed with FOR UPDATE SKIP LOCKED and a lease (`lease_owner`
 * this instance, `lease_until` a few seconds ahead, kept alive by the runner's heartbeat), not a
 * lock held for the run: an instance that dies leaves a running job whose lease ends, and any
 * instance claims it again and resumes it from its last committed batch. Every write of a run
 * checks the claim (still running, still this owner) under the job's row lock, so a cancelled job
 * or one taken over by another instance gets no further writes from this run. A job claimed more
 * than `maxRuns` times (interrupted again and again, e.g. by a crash it causes) is failed.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { JobResult } from '../domain/jobs';
import { JobLostError, type ClaimedJob, type JobProgress, type JobRuns } from '../jobs/job-runs';
import { JOBS_CHANNEL } from './job-store.postgres';

interface ClaimRow {
  id: string;
  kind: ClaimedJob['kind'];
  endpoint_id: string;
  since: Date;
  until: Date | null;
  created_at: Date;
  done: string;
  total: string | null;
  cursor: unknown;
  result: JobResult | null;
  runs: number;
}

export interface JobRunsSettings {
  /** This instance, as the lease's owner. */
  readonly owner: string;
  readonly leaseMs: number;
  readonly maxRuns: number;
}

export class PostgresJobRuns implements JobRuns {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly settings: JobRunsSettings,
  ) {}

  async claim(): Promise<ClaimedJob | undefined> {
    for (;;) {
      const { rows } = await sql<ClaimRow>`
        WITH next AS (
          SELECT id FROM jobs
          WHERE state = 'queued' OR (state = 'running' AND lease_until < now())
          ORDER BY created_at LIMIT 1
          FOR UPDATE SKIP LOCKED)
        UPDATE jobs j SET state = 'running', runs = j.runs + 1, lease_owner = ${this.settings.owner},
               lease_until = now() + make_interval(secs => ${this.settings.leaseMs / 1000}),
               started_at = coalesce(j.started_at, now()), updated_at = now()
        FROM next WHERE j.id = next.id
        RETURNING j.id, j.kind, j.endpoint_id, j.since, j.until, j.created_at, j.done::text, j.total::text,
                  j.cursor, j.result, j.runs`.execute(this.db);
      const row = rows[0];
      if (row === undefined) return undefined;
      if (row.runs <= this.settings.maxRuns) {
        return {
          id: row.id,
          kind: row.kind,
          endpointId: row.endpoint_id,
          since: row.since,
          until: row.until,
          createdAt: row.created_at,
          done: Number(row.done),
          total: row.total === null ? null : Number(row.total),
          cursor: row.cursor,
          result: row.result,
          runs: row.runs,
        };
      }
      await this.fail(
        row.id,
        `the job was interrupted ${row.runs - 1} times (its instance stopped or died mid-run); ` +
          'its progress so far stays, start a new job for the rest',
      );
    }
  }

  async heartbeat(jobId: string): Promise<boolean> {
    const result = await sql`
      UPDATE jobs SET lease_until = now() + make_interval(secs => ${this.settings.leaseMs / 1000})
      WHERE id = ${jobId} AND state = 'running' AND lease_owner = ${this.settings.owner}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n) > 0;
  }

  async release(jobId: string): Promise<void> {
    await sql`
      UPDATE jobs SET lease_until = now(), updated_at = now()
      WHERE id = ${jobId} AND state = 'running' AND lease_owner = ${this.settings.owner}`.execute(this.db);
    // A runner listening (this instance restarting, or another) claims it at once.
    await sql`SELECT pg_notify(${JOBS_CHANNEL}, ${jobId})`.execute(this.db);
  }

  async succeed(jobId: string, result: JobResult): Promise<void> {
    await this.end(jobId, 'succeeded', result, null);
  }

  async fail(jobId: string, error: string): Promise<void> {
    await this.end(jobId, 'failed', undefined, error);
  }

  async batch<T>(
    jobId: string,
    work: (tx: Transaction<unknown>) => Promise<{ value: T; progress: JobProgress }>,
  ): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      const { rows } = await sql`
        SELECT 1 FROM jobs WHERE id = ${jobId} AND state = 'running' AND lease_owner = ${this.settings.owner}
        FOR UPDATE`.execute(tx);
      if (rows.length === 0) throw new JobLostError(jobId);
      const { value, progress } = await work(tx);
      await sql`
        UPDATE jobs SET done = ${progress.done}, total = ${progress.total},
               cursor = ${JSON.stringify(progress.cursor)}::jsonb,
               result = ${progress.result === null ? null : JSON.stringify(progress.result)}::jsonb,
               lease_until = now() + make_interval(secs => ${this.settings.leaseMs / 1000}), updated_at = now()
        WHERE id = ${jobId}`.execute(tx);
      return value;
    });
  }

  /** Ends the job if it is still this run's (a cancel or a takeover wins; undefined result: keep it). */
  private async end(
    jobId: string,
    state: 'succeeded' | 'failed',
    result: JobResult | undefined,
    error: string | null,
  ): Promise<void> {
    await sql`
      UPDATE jobs SET state = ${state}, finished_at = now(), updated_at = now(), error = ${error},
             result = coalesce(${result === undefined ? null : JSON.stringify(result)}::jsonb, result),
             lease_owner = NULL, lease_until = NULL
      WHERE id = ${jobId} AND state = 'running' AND lease_owner = ${this.settings.owner}`.execute(this.db);
  }
}
