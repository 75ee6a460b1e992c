/**
 * The ports of a job's run, for the runner and the job kinds: a job claimed by this instance (with
 * a lease it keeps alive), and every write of the run fenced by that claim. A run writes its
 * progress in the same transaction as its effect (the deliveries it made due or created), so a
 * run resumed after a crash continues exactly where the last committed batch left it.
 */
import type { Transaction } from 'kysely';
import type { JobKind, JobResult } from '../domain/jobs';

export interface ClaimedJob {
  readonly id: string;
  readonly kind: JobKind;
  readonly endpointId: string;
  readonly since: Date;
  readonly until: Date | null;
  readonly createdAt: Date;
  readonly done: number;
  readonly total: number | null;
  /** Where the last committed batch left the run (each kind's own shape); null before the first. */
  readonly cursor: unknown;
  readonly result: JobResult | null;
  /** Claims so far, this one included: a run interrupted again and again is failed. */
  readonly runs: number;
}

export interface JobProgress {
  readonly done: number;
  readonly total: number | null;
  readonly cursor: unknown;
  readonly result: JobResult | null;
}

/** The job is no longer this run's: cancelled, or claimed by another instance after a lost lease. */
export class JobLostError extends Error {
  override name = 'JobLostError';
  constructor(readonly jobId: string) {
    super(`job ${jobId} is no longer running here (cancelled, or resumed elsewhere)`);
  }
}

export interface JobRuns {
  /** The oldest queued job, or a running one whose lease ended; undefined when there is none. */
  claim(): Promise<ClaimedJob | undefined>;
  /** Extends the lease; false when the job is no longer this run's. */
  heartbeat(jobId: string): Promise<boolean>;
  /** Gives the job back, still running, for any instance to resume at once (a clean stop). */
  release(jobId: string): Promise<void>;
  succeed(jobId: string, result: JobResult): Promise<void>;
  fail(jobId: string, error: string): Promise<void>;
  /**
   * Runs `work` in a transaction that holds the job's row lock while the job is still this run's
   * (JobLostError otherwise), and records `progress` in it.
   */
  batch<T>(
    jobId: string,
    work: (tx: Transaction<unknown>) => Promise<{ value: T; progress: JobProgress }>,
  ): Promise<T>;
}

/** One kind of job: runs until done (its result), or throws; stops early when `signal` aborts. */
export interface JobHandler {
  run(job: ClaimedJob, signal: AbortSignal): Promise<JobResult>;
}
