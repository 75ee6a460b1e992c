/**
 * The delivery loop of one instance: claims due deliveries (up to `concurrency` requests in
 * flight), renders each body in the endpoint's pinned version, signs it, POSTs it through the
 * SSRF-safe sender, and records the attempt and what follows (delivered, retry at the schedule's
 * next step, failed, endpoint disabled). An answered attempt frees its slot while its record is
 * written, so the next request does not wait for PostgreSQL; at most `concurrency` records wait.
 * It wakes on a PostgreSQL notification from the fan-out (a fresh delivery leaves within
 * milliseconds), when an attempt is answered or recorded, and otherwise when the next scheduled
 * retry is due or, for an endpoint whose rate window is full, when its next window opens
 * (polling at most every `pollMs`).
 */
import type { LoggerService } from '@nestjs/common';
import { heraldTracer, traceIdOf } from '@app/platform';
import type { SigningSecrets, WebhookResponse, WebhookSender } from '../domain/ports';
import type { RetryPolicy, Verdict } from '../domain/retry-policy';
import type {
  AttemptRecord,
  ClaimedDelivery,
  DeliveryTransition,
  PostgresDeliveryStore,
} from '../storage/delivery-store';
import { DeliverSpan } from './deliver-span';
import type { PayloadRenderer } from './payload-renderer';
import { recordedRequest } from './recorded-request';
import { signatureHeader } from './webhook-signer';

export interface DeliveryWorkerSettings {
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** The longest the loop sleeps without a notification. */
  readonly pollMs: number;
}

export interface DeliveryObserver {
  attempted(outcome: string, latencyMs: number, transition: DeliveryTransition['to']): void;
}

const USER_AGENT = 'Herald-Webhooks/1';

export class DeliveryWorker {
  /** Attempts claimed and not answered yet. */
  private inFlight = 0;
  /** Answered attempts whose record is being written. */
  private recording = 0;
  private running = false;
  private wakeUp: (() => void) | undefined;
  /** A wake-up arrived since the loop last started claiming (it may have come mid-claim). */
  private woken = false;
  private loop: Promise<void> | undefined;
  private lastError: string | undefined;
  private readonly settled = new Set<Promise<void>>();
  /** Set while tracing is on (read once: the app starts tracing before it builds the worker). */
  private readonly tracer = heraldTracer();

  constructor(
    private readonly store: PostgresDeliveryStore,
    private readonly secrets: SigningSecrets,
    private readonly renderer: PayloadRenderer,
    private readonly sender: WebhookSender,
    private readonly policy: RetryPolicy,
    private readonly settings: DeliveryWorkerSettings,
    private readonly logger: LoggerService,
    private readonly observer: DeliveryObserver = { attempted: () => undefined },
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Called on a fan-out notification. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Why the loop is not doing its job (readiness), or undefined. */
  problem(): string | undefined {
    if (!this.running) return 'the delivery worker is stopped';
    return this.lastError === undefined
      ? undefined
      : `the delivery worker cannot claim deliveries: ${this.lastError}`;
  }

  /** Stops claiming and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.settled]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sleepMs = this.settings.pollMs;
      this.woken = false;
      try {
        const free = this.freeSlots();
        if (free > 0) {
          const claimed = await this.store.claim(free, this.settings.timeoutMs + 30_000);
          for (const delivery of claimed) this.track(delivery);
          if (claimed.length === free) continue; // more may be due
          // Due now but not claimed: held (a disabled endpoint, an ordered one with a delivery in
          // flight). What frees them wakes the loop (an attempt finishing, a notification); polling
          // every few ms for them would only load the database.
          const due = await this.store.nextDueInMs();
          if (due !== undefined && due > 0) sleepMs = Math.min(sleepMs, Math.max(due, 5));
        }
        this.lastError = undefined;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(`claiming deliveries failed: ${this.lastError}`);
      }
      await this.sleep(sleepMs);
    }
  }

  /** Until woken or `ms` passed; at once when a wake-up came while the loop was claiming. */
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

  private freeSlots(): number {
    const { concurrency } = this.settings;
    return Math.min(concurrency - this.inFlight, 2 * concurrency - this.inFlight - this.recording);
  }

  private track(delivery: ClaimedDelivery): void {
    this.inFlight++;
    let answered = false;
    const onAnswer = (): void => {
      answered = true;
      this.inFlight--;
      this.recording++;
      this.wake();
    };
    const attempt = this.attempt(delivery, onAnswer)
      .catch((error: unknown) => {
        // The attempt's lease ends and the delivery is claimed again: logged, never lost.
        this.logger.error({
          msg: `delivery ${delivery.id} could not be recorded: ${String(error)}`,
          ...deliveryLogFields(delivery),
        });
      })
      .finally(() => {
        if (answered) this.recording--;
        else this.inFlight--;
        this.settled.delete(attempt);
        this.wake();
      });
    this.settled.add(attempt);
  }

  /** `onAnswer` is called once the request is over (answered, failed or not sent), before the record. */
  private async attempt(delivery: ClaimedDelivery, onAnswer: () => void): Promise<void> {
    const attemptedAt = new Date();
    const span = this.tracer === undefined ? undefined : new DeliverSpan(this.tracer, delivery);
    let response: WebhookResponse;
    let request: string | null = null;
    try {
      const [secrets, rendered] = await Promise.all([
        this.secrets.secretsFor(delivery.endpointId, attemptedAt),
        this.renderer.render(delivery.message, {
          pinned: delivery.versions[delivery.message.type],
          format: delivery.format,
          traceparent: delivery.traceparent,
        }),
      ]);
      const timestamp = Math.floor(attemptedAt.getTime() / 1000);
      const headers: Record<string, string> = {
        'content-type': rendered.contentType,
        'user-agent': USER_AGENT,
        'webhook-id': delivery.message.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, delivery.message.eventId, timestamp, rendered.body),
      };
      const traceparent = span?.traceparent ?? delivery.traceparent;
      if (traceparent !== null) headers['traceparent'] = traceparent;
      request = recordedRequest(delivery.url, headers, rendered.body);
      response = await this.sender.send({
        url: delivery.url,
        headers,
        body: rendered.body,
        timeoutMs: this.settings.timeoutMs,
      });
    } catch (error) {
      // Rendering failed (registry unreachable, a pinned version missing): retried like a failed attempt.
      response = {
        kind: 'error',
        errorKind: 'network',
        message: `the delivery could not be prepared: ${error instanceof Error ? error.message : String(error)}`,
        latencyMs: Date.now() - attemptedAt.getTime(),
      };
    }
    span?.answered(response);
    onAnswer();
    const verdict = this.policy.verdict(
      response.kind === 'response'
        ? { kind: 'response', status: response.status, retryAfter: response.headers['retry-after'] }
        : { kind: 'error' },
      delivery.attempt,
      new Date(),
    );
    const record = attemptRecord(attemptedAt, response, request);
    const transition = transitionOf(verdict, response);
    await this.store.finish(delivery, record, transition);
    this.observer.attempted(record.outcome, record.latencyMs, transition.to);
    this.logAttempt(delivery, record, transition);
  }

  /** Failed attempts only: a delivered one is in the attempts table and the metrics. */
  private logAttempt(delivery: ClaimedDelivery, record: AttemptRecord, transition: DeliveryTransition): void {
    if (transition.to === 'delivered') return;
    const line = {
      ...deliveryLogFields(delivery),
      delivery_id: delivery.id,
      endpoint_id: delivery.endpointId,
      attempt: delivery.attempt,
      outcome: record.outcome,
    };
    if (transition.to === 'pending') {
      this.logger.debug?.({
        ...line,
        msg: `delivery ${delivery.id} attempt ${delivery.attempt} failed (${record.outcome}); retrying in ${transition.delayMs} ms`,
      });
    } else {
      this.logger.warn?.({
        ...line,
        msg: `delivery ${delivery.id} failed after ${delivery.attempt} attempt(s): ${record.error ?? record.outcome}`,
      });
    }
  }
}

/** `event_id` and `trace_id` (of the stored `traceparent`) of a log line about a delivery. */
function deliveryLogFields(delivery: ClaimedDelivery): { event_id: string; trace_id?: string } {
  const traceId = traceIdOf(delivery.traceparent);
  return traceId === undefined
    ? { event_id: delivery.message.eventId }
    : { event_id: delivery.message.eventId, trace_id: traceId };
}

function attemptRecord(attemptedAt: Date, response: WebhookResponse, request: string | null): AttemptRecord {
  if (response.kind === 'error') {
    return {
      attemptedAt,
      statusCode: null,
      latencyMs: Math.round(response.latencyMs),
      outcome: response.errorKind,
      error: response.message,
      responseHeaders: null,
      responseBody: null,
      request,
    };
  }
  const ok = response.status >= 200 && response.status < 300;
  return {
    attemptedAt,
    statusCode: response.status,
    latencyMs: Math.round(response.latencyMs),
    outcome: ok ? 'delivered' : `http_${response.status}`,
    error: ok ? null : `the receiver answered ${response.status}`,
    responseHeaders: JSON.stringify(response.headers),
    responseBody: response.body,
    request,
  };
}

function transitionOf(verdict: Verdict, response: WebhookResponse): DeliveryTransition {
  switch (verdict.next) {
    case 'delivered':
      return { to: 'delivered' };
    case 'retry':
      return { to: 'pending', delayMs: verdict.delayMs };
    case 'failed':
      return {
        to: 'failed',
        disableEndpoint: verdict.disableEndpoint
          ? `the receiver answered ${response.kind === 'response' ? response.status : 'an error'} (Gone)`
          : null,
      };
  }
}
