/**
 * The job loop of one instance: claims queued jobs (and running ones whose instance's lease
 * ended) up to `concurrency` at a time, runs each with its kind's handler while a heartbeat keeps
 * its lease, and ends it succeeded or failed. A heartbeat that finds the job gone from this run
 * (cancelled, or taken over after a lost lease) aborts the run, which then writes nothing more.
 * Stopping the app gives running jobs back (lease ended now) so that the next instance up resumes
 * them from their last committed batch. It wakes on a job being queued (NOTIFY webhooks_jobs, or
 * this instance's own API) and otherwise polls every `pollMs`.
 */
import type { LoggerService } from '@nestjs/common';
import type { JobKind } from '../domain/jobs';
import { JobLostError, type ClaimedJob, type JobHandler, type JobRuns } from './job-runs';

export interface JobRunnerSettings {
  readonly concurrency: number;
  readonly pollMs: number;
  readonly heartbeatMs: number;
}

export class JobRunner {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private lastError: string | undefined;
  private readonly active = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(
    private readonly runs: JobRuns,
    private readonly handlers: Readonly<Record<JobKind, JobHandler>>,
    private readonly settings: JobRunnerSettings,
    private readonly logger: LoggerService,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Why the loop is not doing its job (readiness), or undefined. */
  problem(): string | undefined {
    if (!this.running) return 'the job runner is stopped';
    return this.lastError === undefined ? undefined : `the job runner cannot claim jobs: ${this.lastError}`;
  }

  /** Stops claiming; the running jobs stop at their next step and are given back to be resumed. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    for (const { abort } of this.active.values()) abort.abort(new Error('the app is stopping'));
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      try {
        if (this.active.size < this.settings.concurrency) {
          const job = await this.runs.claim();
          this.lastError = undefined;
          if (job !== undefined) {
            this.launch(job);
            continue;
          }
        }
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(`claiming jobs failed: ${this.lastError}`);
      }
      await this.sleep(this.settings.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private launch(job: ClaimedJob): void {
    const abort = new AbortController();
    const heartbeat = setInterval(() => {
      this.runs.heartbeat(job.id).then(
        (ours) => {
          if (!ours) abort.abort(new JobLostError(job.id));
        },
        (error: unknown) => {
          this.logger.warn(`job ${job.id}: heartbeat failed: ${String(error)}`);
        },
      );
    }, this.settings.heartbeatMs);
    const done = this.execute(job, abort.signal).finally(() => {
      clearInterval(heartbeat);
      this.active.delete(job.id);
      this.wake();
    });
    this.active.set(job.id, { abort, done });
  }

  private async execute(job: ClaimedJob, signal: AbortSignal): Promise<void> {
    try {
      const result = await this.handlers[job.kind].run(job, signal);
      await this.runs.succeed(job.id, result);
    } catch (error) {
      if (error instanceof JobLostError || signal.reason instanceof JobLostError) return;
      if (signal.aborted) {
        // Stopping: the job stays running with its lease ended, for the next instance to resume.
        await this.runs.release(job.id).catch((e: unknown) => {
          this.logger.warn(
            `job ${job.id}: could not be given back (${String(e)}); it resumes when its lease ends`,
          );
        });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`job ${job.id} (${job.kind}) failed: ${message}`);
      await this.runs.fail(job.id, message).catch((e: unknown) => {
        this.logger.error(`job ${job.id}: its failure could not be recorded: ${String(e)}`);
      });
    }
  }
}
