/**
 * Helpers of the operations tests (retry, recover, replay, test events, jobs) over the pipeline
 * kit: a job followed until it ends, the deliveries of an endpoint by origin, and a wait until the
 * clock has moved past a moment (so Kafka record timestamps fall on the intended side of a window
 * boundary).
 */
import { waitFor } from '@app/testing';
import type { WebhooksPipeline } from './webhooks-pipeline-kit';

export interface JobBody {
  readonly id: string;
  readonly kind: 'recover' | 'replay';
  readonly endpointId: string;
  readonly state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  readonly since: string;
  readonly until: string | null;
  readonly progress: { readonly done: number; readonly total: number | null };
  readonly result: Record<string, unknown> | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error?: string;
}

export interface AttemptBody {
  readonly request: {
    readonly url: string;
    readonly headers: Record<string, string>;
    readonly body: string;
    readonly bodyTruncated: boolean;
  } | null;
  readonly statusCode: number | null;
  readonly outcome: string;
  readonly responseHeaders: Record<string, string> | null;
  readonly responseBody: string | null;
}

export interface DeliveryBody {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly origin: 'event' | 'replay' | 'test';
  readonly jobId: string | null;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly attemptList?: AttemptBody[];
}

/** Polls GET /v1/jobs/{id} until the job has ended; returns it. */
export async function jobEnded(pipeline: WebhooksPipeline, id: string, timeoutMs = 60_000): Promise<JobBody> {
  return waitFor(
    async () => {
      const { body } = await pipeline.api<JobBody>('GET', `/v1/jobs/${id}`);
      return ['succeeded', 'failed', 'cancelled'].includes(body.state) && body;
    },
    { timeoutMs, intervalMs: 100, description: `job ${id} to end` },
  );
}

/** Resolves once Date.now() is past `moment` (a record produced after this has a later timestamp). */
export async function clockPast(moment: number): Promise<void> {
  await waitFor(() => Date.now() > moment, {
    timeoutMs: 1_000,
    intervalMs: 1,
    description: 'the clock to move',
  });
}

/** Rows of webhooks.deliveries of one endpoint (status, origin, job) for exact counts. */
export async function deliveryRows(
  pipeline: WebhooksPipeline,
  endpointId: string,
): Promise<{ event_id: string; status: string; origin: string; job_id: string | null; attempts: number }[]> {
  return pipeline.query(
    `SELECT event_id, status, origin, job_id, attempts FROM webhooks.deliveries WHERE endpoint_id = $1 ORDER BY id`,
    [endpointId],
  );
}
