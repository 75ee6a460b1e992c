/**
 * `HeraldClient`: publishes events to the Herald gateway over HTTP. It fixes each event's id once,
 * before the first attempt, so that retries (network errors, timeouts, 429, 503) are deduplicated
 * by the gateway; it never retries a refusal (400, 401, 403, 409, 413, 415, 422). With `batching`,
 * concurrent `publish` calls share one batch request.
 */
import { LATEST_EVENT_VERSIONS, type EventInput, type EventTypeName, type EventVersion } from '@app/events';
import { uuidv7 } from 'uuidv7';

import { EventBatcher, type BatchingOptions } from './event-batcher';
import { GatewayTransport, type FetchFunction } from './gateway-transport';
import { HeraldError } from './herald-errors';
import type { BatchOptions, EventToPublish, PublishOptions, RawEvent } from './publish-options';
import { DEFAULT_RETRY_OPTIONS, withRetries, type RetryOptions } from './retry-policy';
import {
  toBatchResults,
  toPublishResult,
  type BatchEventResult,
  type EventRequestBody,
  type PublishResult,
} from './wire-format';

export const SDK_VERSION = '0.1.0';

export interface HeraldClientOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  apiKey: string;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /** Attempts after the first for retriable failures; default 5. */
  retries?: number;
  /** Backoff bounds; default 100 ms doubling, any one wait at most 30 s (`Retry-After` included). */
  retryDelay?: { baseMs?: number; maxMs?: number };
  /** Auto-batch `publish` calls (defaults: 5 ms linger, 100 events); off when absent. */
  batching?: Partial<BatchingOptions>;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: FetchFunction;
}

export class HeraldClient {
  private readonly transport: GatewayTransport;
  private readonly retry: RetryOptions;
  private readonly batcher: EventBatcher | undefined;
  private closed = false;

  constructor(options: HeraldClientOptions) {
    if (!URL.canParse(options.url)) throw new TypeError(`HeraldClient: url is not a URL: "${options.url}"`);
    if (!options.apiKey) throw new TypeError('HeraldClient: apiKey is required');
    this.transport = new GatewayTransport({
      url: options.url,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      userAgent: `herald-sdk/${SDK_VERSION}`,
    });
    this.retry = {
      retries: options.retries ?? DEFAULT_RETRY_OPTIONS.retries,
      baseDelayMs: options.retryDelay?.baseMs ?? DEFAULT_RETRY_OPTIONS.baseDelayMs,
      maxDelayMs: options.retryDelay?.maxMs ?? DEFAULT_RETRY_OPTIONS.maxDelayMs,
    };
    this.batcher =
      options.batching === undefined
        ? undefined
        : new EventBatcher(
            { lingerMs: options.batching.lingerMs ?? 5, maxEvents: options.batching.maxEvents ?? 100 },
            (events) => this.sendBatch(events, false),
          );
  }

  /** Publishes one event of the latest generated version of `type`; resolves once Kafka has it. */
  publish<T extends EventTypeName>(
    type: T,
    data: EventInput<T>,
    options?: PublishOptions & { version?: undefined },
  ): Promise<PublishResult>;
  /** Publishes one event at a pinned schema version; `data` must match that version. */
  publish<T extends EventTypeName, V extends EventVersion<T>>(
    type: T,
    data: NoInfer<EventInput<T, V>>,
    options: PublishOptions<V & number> & { version: V },
  ): Promise<PublishResult>;
  publish(type: EventTypeName, data: unknown, options: PublishOptions = {}): Promise<PublishResult> {
    return this.publishRaw(type, data, options);
  }

  /** `publish` without compile-time checks, for types the generated catalog does not know yet. */
  publishRaw(type: string, data: unknown, options: PublishOptions = {}): Promise<PublishResult> {
    if (this.closed) return Promise.reject(new HeraldError('the HeraldClient is closed', false));
    const body = eventBody({ ...options, type, data });
    if (this.batcher !== undefined && options.traceparent === undefined) {
      return this.batcher.add(body, options.signal);
    }
    // A traceparent belongs to one request, so a traced event is sent on its own.
    const request = {
      path: '/v1/events',
      body,
      traceparent: options.traceparent,
      signal: options.signal,
    } as const;
    return withRetries(
      async () => toPublishResult(await this.transport.send(request)),
      this.retry,
      options.signal,
    );
  }

  /**
   * Publishes several events in one request; one result per event, in order. Non-atomic batches
   * report each event's rejection in its result; `atomic: true` writes all or nothing and throws
   * a `HeraldProblemError` (422) when any event is invalid.
   */
  publishBatch(events: readonly EventToPublish[], options: BatchOptions = {}): Promise<BatchEventResult[]> {
    return this.publishBatchRaw(events, options);
  }

  publishBatchRaw(events: readonly RawEvent[], options: BatchOptions = {}): Promise<BatchEventResult[]> {
    if (this.closed) return Promise.reject(new HeraldError('the HeraldClient is closed', false));
    return this.sendBatch(events.map(eventBody), options.atomic ?? false, options);
  }

  /** Sends every auto-batched event still waiting and waits for the answers; later publishes fail. */
  async close(): Promise<void> {
    this.closed = true;
    await this.batcher?.flush();
  }

  /**
   * Sends a batch, retrying the whole request on retriable failures and, in a non-atomic batch,
   * re-sending only the events the gateway rejected as retriable (same ids), so accepted events
   * are not sent twice.
   */
  private async sendBatch(
    events: EventRequestBody[],
    atomic: boolean,
    options: Omit<BatchOptions, 'atomic'> = {},
  ): Promise<BatchEventResult[]> {
    const results: (BatchEventResult | undefined)[] = events.map(() => undefined);
    let pending = events.map((_, index) => index);
    const attempt = async (): Promise<void> => {
      const sent = pending;
      const body = { events: sent.map((index) => events[index]), atomic };
      const answer = await this.transport.send({ path: '/v1/events/batch', body, ...options });
      const answered = toBatchResults(answer, sent.length);
      sent.forEach((index, position) => (results[index] = answered[position]));
      pending = sent.filter((_, position) => isRetriableRejection(answered[position]));
      const retriable = answered.find(isRetriableRejection);
      if (!atomic && retriable?.status === 'rejected') throw retriable.error;
    };
    try {
      await withRetries(attempt, this.retry, options.signal);
    } catch (error) {
      // Every event has an answer, only some are retriable rejections that stayed so: report them.
      if (!results.every((result) => result !== undefined)) throw error;
    }
    return results as BatchEventResult[];
  }
}

function isRetriableRejection(result: BatchEventResult | undefined): boolean {
  return result?.status === 'rejected' && result.error.retriable;
}

/** The request body of one event; the id is fixed here, once, before any attempt. */
function eventBody(event: RawEvent): EventRequestBody {
  const version = event.version ?? (LATEST_EVENT_VERSIONS as Partial<Record<string, number>>)[event.type];
  return {
    type: event.type,
    ...(version === undefined ? {} : { version }),
    id: event.id ?? uuidv7(),
    ...(event.key === undefined ? {} : { key: event.key }),
    ...(event.time === undefined
      ? {}
      : { time: event.time instanceof Date ? event.time.toISOString() : event.time }),
    ...(event.subject === undefined ? {} : { subject: event.subject }),
    data: event.data,
  };
}
