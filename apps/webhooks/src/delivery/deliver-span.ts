/**
 * The CLIENT span `deliver` of one webhook HTTP attempt, while tracing is on. Its parent is the
 * `traceparent` stored with the event (the record's header: the gateway's `produce` span when the
 * gateway traces too), and the request's `traceparent` header names it, so the receiver continues
 * the trace under the attempt. HTTP semantic conventions; a 4xx/5xx answer or a failed request
 * marks it failed (client spans count both). Off, the worker sends the stored `traceparent`.
 */
import { SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { failSpan, remoteParent, traceparentOf } from '@app/platform';
import type { WebhookResponse } from '../domain/ports';
import type { ClaimedDelivery } from '../storage/delivery-store';

const ATTR = {
  eventId: 'cloudevents.event_id',
  eventType: 'cloudevents.event_type',
  attempt: 'herald.attempt',
  endpointId: 'herald.webhook.endpoint_id',
  deliveryId: 'herald.webhook.delivery_id',
} as const;

function serverOf(url: string): { address?: string; port?: number } {
  try {
    const parsed = new URL(url);
    const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
    return { address: parsed.hostname, port };
  } catch {
    return {};
  }
}

export class DeliverSpan {
  private readonly span: Span;

  constructor(tracer: Tracer, delivery: ClaimedDelivery) {
    const server = serverOf(delivery.url);
    const attributes: Record<string, string | number> = {
      [ATTR_HTTP_REQUEST_METHOD]: 'POST',
      [ATTR.eventId]: delivery.message.eventId,
      [ATTR.eventType]: delivery.message.type,
      [ATTR.attempt]: delivery.attempt,
      [ATTR.endpointId]: delivery.endpointId,
      [ATTR.deliveryId]: delivery.id,
    };
    if (server.address !== undefined) attributes[ATTR_SERVER_ADDRESS] = server.address;
    if (server.port !== undefined) attributes[ATTR_SERVER_PORT] = server.port;
    if (delivery.attempt > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = delivery.attempt - 1;
    this.span = tracer.startSpan(
      'deliver',
      { kind: SpanKind.CLIENT, attributes },
      remoteParent(delivery.traceparent),
    );
  }

  /** The `traceparent` header of the request: this attempt. */
  get traceparent(): string {
    return traceparentOf(this.span);
  }

  /** Ends the span with what the attempt got. */
  answered(response: WebhookResponse): void {
    if (response.kind === 'response') {
      this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (response.status >= 400) {
        this.span.setStatus({
          code: SpanStatusCode.ERROR,
          message: `the receiver answered ${response.status}`,
        });
        this.span.setAttribute('error.type', String(response.status));
      }
    } else {
      failSpan(this.span, new Error(response.message), response.errorKind);
    }
    this.span.end();
  }
}
