/**
 * Auto-batching: `publish` calls made within `lingerMs` of each other travel as one non-atomic
 * `POST /v1/events/batch`, and each caller's promise settles with its own event's result. A batch
 * leaves early once it holds `maxEvents`. Trading a few milliseconds of latency for one request
 * (and one Kafka produce) per batch is what lets a busy service publish cheaply.
 */
import { abortReason } from './herald-errors';
import type { BatchEventResult, EventRequestBody, PublishResult } from './wire-format';

export interface BatchingOptions {
  /** How long the first event of a batch waits for company. */
  lingerMs: number;
  /** A batch is sent as soon as it holds this many events. */
  maxEvents: number;
}

type SendBatch = (events: EventRequestBody[]) => Promise<BatchEventResult[]>;

interface QueuedEvent {
  body: EventRequestBody;
  resolve: (result: PublishResult) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class EventBatcher {
  private queue: QueuedEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly options: BatchingOptions,
    private readonly sendBatch: SendBatch,
  ) {}

  /** Queues an event. An abort before its batch leaves drops it; after that, the request is already out. */
  add(body: EventRequestBody, signal?: AbortSignal): Promise<PublishResult> {
    return new Promise<PublishResult>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const entry: QueuedEvent = { body, resolve, reject, signal, onAbort: () => this.drop(entry) };
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      this.queue.push(entry);
      if (this.queue.length >= this.options.maxEvents) this.dispatch();
      else this.timer ??= setTimeout(() => this.dispatch(), this.options.lingerMs);
    });
  }

  /** Sends what is queued now and waits for every batch in flight to settle. */
  async flush(): Promise<void> {
    this.dispatch();
    await Promise.all([...this.inFlight]);
  }

  private drop(entry: QueuedEvent): void {
    const index = this.queue.indexOf(entry);
    if (index === -1) return;
    this.queue.splice(index, 1);
    entry.reject(entry.signal === undefined ? new Error('aborted') : abortReason(entry.signal));
  }

  private dispatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    for (const entry of batch) entry.signal?.removeEventListener('abort', entry.onAbort);
    const delivery = this.deliver(batch).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  private async deliver(batch: readonly QueuedEvent[]): Promise<void> {
    try {
      const results = await this.sendBatch(batch.map((entry) => entry.body));
      batch.forEach((entry, index) => {
        const result = results[index];
        if (result === undefined) entry.reject(new Error('the gateway returned fewer results than events'));
        else if (result.status === 'rejected') entry.reject(result.error);
        else entry.resolve(withoutStatus(result));
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}

function withoutStatus(result: { status: 'accepted' } & PublishResult): PublishResult {
  const { status: _status, ...published } = result;
  return published;
}
