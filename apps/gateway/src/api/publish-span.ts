/**
 * The gateway's SERVER span `publish`, one per POST /v1/events or /v1/events/batch while tracing
 * is on: its parent is the request's W3C `traceparent` (none or an invalid one starts a new
 * trace), and the publish runs in its context, so the `produce` span of the Kafka send
 * (traced-event.producer.ts) is its child. HTTP semantic conventions; a 5xx answer marks it failed.
 */
import { context, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { FastifyRequest } from 'fastify';
import { failSpan, remoteParent } from '@app/platform';
import { GatewayError } from '../domain/gateway-errors';
import { problemFor } from './problem';

const ROUTES = { single: '/v1/events', batch: '/v1/events/batch' } as const;
const SUCCESS = { single: 202, batch: 200 } as const;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  // Sent twice, a trace-context header is invalid (W3C Trace Context) and ignored.
  return typeof value === 'string' ? value : undefined;
}

/** Runs `work` (the publish of one request) inside its `publish` span. */
export async function inPublishSpan<T>(
  tracer: Tracer,
  request: FastifyRequest,
  endpoint: 'single' | 'batch',
  work: () => Promise<T>,
): Promise<T> {
  const parent = remoteParent(header(request, 'traceparent'), header(request, 'tracestate'));
  const span = tracer.startSpan(
    'publish',
    {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_HTTP_ROUTE]: ROUTES[endpoint],
        [ATTR_URL_PATH]: ROUTES[endpoint],
        [ATTR_URL_SCHEME]: request.protocol,
      },
    },
    parent,
  );
  try {
    const result = await context.with(trace.setSpan(parent, span), work);
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, SUCCESS[endpoint]);
    return result;
  } catch (error) {
    const status = error instanceof GatewayError ? problemFor(error).status : 500;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    // Server spans: a 4xx is the client's error, not the gateway's (HTTP semantic conventions).
    if (status >= 500) failSpan(span, error, error instanceof GatewayError ? error.kind : undefined);
    else span.setAttribute('error.type', String(status));
    throw error;
  } finally {
    span.end();
  }
}
