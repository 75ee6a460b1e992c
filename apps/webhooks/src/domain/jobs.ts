/**
 * Operations jobs: `recover` (make an endpoint's failed deliveries of a time window due again) and
 * `replay` (deliver an endpoint's events of a time window again, read back from Kafka). A job is
 * created queued, claimed by one instance (jobs/job-runner.ts), reports its progress as it goes,
 * and ends succeeded, failed or cancelled. This file holds the job's model and the admin use cases
 * on it (create, inspect, list, cancel); the runs are in jobs/.
 */
import { ConflictError, EndpointNotFoundError, NotFoundError } from './endpoint-errors';

export const JOB_KINDS = ['recover', 'replay'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The jobs that have not ended. */
export const ACTIVE_JOB_STATES: readonly JobState[] = ['queued', 'running'];

/** What a recover job did: deliveries made due again, and whether the window holds more. */
export interface RecoverResult {
  readonly recovered: number;
  /** At most this many per job. */
  readonly limit: number;
  /** More failed deliveries of the window were left for another job. */
  readonly more: boolean;
}

/** What a replay job did. */
export interface ReplayResult {
  /** Records read back from Kafka in the window. */
  readonly events: number;
  /** Deliveries created: the events the endpoint takes. */
  readonly deliveries: number;
  /** Records whose value could not be decoded (the fan-out dead-letters those too). */
  readonly skipped: number;
  /** At most this many deliveries per job. */
  readonly limit: number;
  /** The window holds more events for the endpoint than the limit let through. */
  readonly more: boolean;
  /**
   * When `more`: a `since` from which another replay gets every event this one did not reach
   * (the earliest record time not read, across partitions; it may repeat a few that were).
   */
  readonly nextSince?: string;
  /** Deliveries withdrawn by a cancel: created, never attempted, deleted. */
  readonly withdrawn?: number;
}

export type JobResult = RecoverResult | ReplayResult;

export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  readonly endpointId: string;
  readonly state: JobState;
  readonly since: string;
  /** The window's end; null: up to the job's start. */
  readonly until: string | null;
  /** Recover: deliveries made due of `total`; replay: records read of `total` in the window. */
  readonly progress: { readonly done: number; readonly total: number | null };
  /** What the job did so far; final once it ended. Null before it started. */
  readonly result: JobResult | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Why it failed (failed jobs only). */
  readonly error?: string;
}

export interface JobWindow {
  readonly since: Date;
  readonly until: Date | null;
}

export interface NewJob extends JobWindow {
  readonly id: string;
  readonly kind: JobKind;
  readonly endpointId: string;
}

export interface JobFilter {
  readonly endpointId?: string;
}

export type CancelOutcome =
  { readonly kind: 'cancelled'; readonly job: JobView } | { readonly kind: 'ended'; readonly job: JobView };

export const JOB_STORE = Symbol('JOB_STORE');

export interface JobStore {
  /** Undefined when the endpoint does not exist. */
  create(job: NewJob): Promise<JobView | undefined>;
  find(id: string): Promise<JobView | undefined>;
  /** Jobs matching `filter` with an id below `before`, newest first, at most `limit`. */
  page(filter: JobFilter, before: string | undefined, limit: number): Promise<JobView[]>;
  /**
   * Ends a queued or running job as cancelled (a running one stops at its next batch, which
   * finds it cancelled and writes nothing); a replay's deliveries not attempted yet are
   * withdrawn. `ended` when it had already ended (cancelled included). Undefined when absent.
   */
  cancel(id: string): Promise<CancelOutcome | undefined>;
}

export class JobNotFoundError extends NotFoundError {
  override name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`no job has id "${jobId}"`, { path: '/jobId', message: 'no job has this id' });
  }
}

export class JobEndedError extends ConflictError {
  override name = 'JobEndedError';
  constructor(readonly job: JobView) {
    super(`job "${job.id}" already ended (${job.state}): there is nothing to cancel`, {
      path: '/jobId',
      message: `the job already ended (${job.state})`,
    });
  }
}

export class Jobs {
  constructor(
    private readonly store: JobStore,
    private readonly newId: () => string,
    /** Told when a job was queued, so this instance's runner claims it at once. */
    private readonly onQueued: () => void = () => undefined,
  ) {}

  async start(kind: JobKind, endpointId: string, window: JobWindow): Promise<JobView> {
    const job = await this.store.create({ id: this.newId(), kind, endpointId, ...window });
    if (job === undefined) throw new EndpointNotFoundError(endpointId);
    this.onQueued();
    return job;
  }

  async find(id: string): Promise<JobView> {
    const job = await this.store.find(id);
    if (job === undefined) throw new JobNotFoundError(id);
    return job;
  }

  async page(
    filter: JobFilter,
    before: string | undefined,
    limit: number,
  ): Promise<{ items: JobView[]; hasMore: boolean }> {
    const rows = await this.store.page(filter, before, limit + 1);
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** A cancelled job again is fine (200, as it is); one that succeeded or failed is a conflict. */
  async cancel(id: string): Promise<JobView> {
    const outcome = await this.store.cancel(id);
    if (outcome === undefined) throw new JobNotFoundError(id);
    if (outcome.kind === 'ended' && outcome.job.state !== 'cancelled') throw new JobEndedError(outcome.job);
    return outcome.job;
  }
}
