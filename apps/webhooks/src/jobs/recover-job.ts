/**
 * A recover job: every failed delivery of one endpoint created in [since, until) — until defaults
 * to the job's creation, so deliveries failing while it runs are not chased — is made due again,
 * at most `limit` per job, in batches. Each batch and the job's progress commit together; a
 * resumed run continues after the last delivery it made due. A recovered delivery gets one more
 * attempt, recorded like any (its schedule is spent: failing again leaves it failed).
 */
import type { RecoverResult } from '../domain/jobs';
import type { PostgresRecoverStore, RecoverWindow } from '../storage/recover-store.postgres';
import type { ClaimedJob, JobHandler, JobRuns } from './job-runs';

interface RecoverCursor {
  readonly after: string;
}

export class RecoverJob implements JobHandler {
  constructor(
    private readonly runs: JobRuns,
    private readonly store: PostgresRecoverStore,
    private readonly limit: number,
    private readonly batchSize = 500,
  ) {}

  async run(job: ClaimedJob, signal: AbortSignal): Promise<RecoverResult> {
    const window: RecoverWindow = {
      endpointId: job.endpointId,
      since: job.since,
      until: job.until ?? job.createdAt,
    };
    let after = (job.cursor as RecoverCursor | null)?.after ?? '';
    let done = job.done;
    let total = job.total;
    if (total === null) {
      total = done + (await this.store.countFailed(window, this.limit - done));
    }
    for (;;) {
      signal.throwIfAborted();
      const wanted = Math.min(this.batchSize, this.limit - done);
      if (wanted <= 0) break;
      const finalTotal = total;
      const batch = await this.runs.batch(job.id, async (tx) => {
        const moved = await this.store.recoverIn(tx, window, after, wanted);
        const newDone = done + moved.count;
        const cursor: RecoverCursor = { after: moved.lastId ?? after };
        return {
          value: moved,
          progress: {
            done: newDone,
            // Deliveries that failed since the count are recovered too: the total follows.
            total: Math.max(finalTotal, newDone),
            cursor,
            result: { recovered: newDone, limit: this.limit, more: false },
          },
        };
      });
      done += batch.count;
      total = Math.max(total, done);
      after = batch.lastId ?? after;
      if (batch.count < wanted) break;
    }
    const more = done >= this.limit && (await this.store.failedAfter(window, after));
    return { recovered: done, limit: this.limit, more };
  }
}
