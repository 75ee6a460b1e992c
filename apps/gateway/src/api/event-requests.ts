/**
 * Reads publish requests off HTTP: the content type decides the format (the gateway envelope
 * as application/json, a structured or binary CloudEvent), the W3C `traceparent` header is
 * carried along, and a batch is split into per-event envelopes so one bad entry does not
 * hide the others.
 */
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../domain/gateway-errors';
import type { BatchEntry } from '../domain/event-publisher';
import {
  envelopeViolations,
  parseEnvelope,
  pointer,
  withTraceparent,
  type PublishRequest,
} from '../domain/publish-request';
import { fromBinaryCloudEvent, fromStructuredCloudEvent, isBinaryCloudEvent } from './cloudevents.mapper';
import { RawBody } from './gateway-body.parser';

export interface BatchRequest {
  readonly entries: BatchEntry[];
  readonly atomic: boolean;
}

const JSON_TYPE = 'application/json';
const CLOUDEVENT_TYPE = 'application/cloudevents+json';

/** The media type without parameters; a charset other than UTF-8 is not accepted. */
function mediaType(request: FastifyRequest, accepted: readonly string[]): string {
  const header = request.headers['content-type'];
  const [type = '', ...params] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='));
  if (!accepted.includes(type) || (charset && !/^charset="?utf-8"?$/.test(charset))) {
    const got = header ? `"${header}"` : 'no Content-Type';
    throw new GatewayError(
      'unsupported-media-type',
      `${got} is not accepted here; send ${accepted.join(' or ')} (UTF-8)`,
    );
  }
  return type;
}

function rawBody(request: FastifyRequest): RawBody {
  if (request.body instanceof RawBody) return request.body;
  throw GatewayError.malformed('the request has no body; expected JSON');
}

function traceparent(request: FastifyRequest): string | undefined {
  const value = request.headers.traceparent;
  return Array.isArray(value) ? value[0] : value;
}

export function readSingleEvent(request: FastifyRequest): PublishRequest {
  const type = mediaType(request, [JSON_TYPE, CLOUDEVENT_TYPE]);
  const body = rawBody(request).json();
  if (type === CLOUDEVENT_TYPE) return withTraceparent(fromStructuredCloudEvent(body), traceparent(request));
  if (isBinaryCloudEvent(request.headers)) {
    return withTraceparent(fromBinaryCloudEvent(request.headers, body), traceparent(request));
  }
  return parseEnvelope(body, traceparent(request));
}

export function readBatch(request: FastifyRequest, maxEvents: number): BatchRequest {
  mediaType(request, [JSON_TYPE]);
  const body = rawBody(request).json();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw GatewayError.malformed('a batch must be a JSON object {"events": [...], "atomic": false}');
  }
  const { events, atomic = false, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw GatewayError.malformed(
      'unknown batch field',
      unknown.map((key) => ({ path: pointer([key]), message: 'unknown field (allowed: events, atomic)' })),
    );
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw GatewayError.malformed('"events" must be a non-empty array', [
      { path: '/events', message: 'must be a non-empty array' },
    ]);
  }
  if (typeof atomic !== 'boolean') {
    throw GatewayError.malformed('"atomic" must be true or false', [
      { path: '/atomic', message: 'must be a boolean' },
    ]);
  }
  if (events.length > maxEvents) {
    throw new GatewayError('too-large', `a batch holds at most ${maxEvents} events; got ${events.length}`, [
      { path: '/events', message: `at most ${maxEvents} events` },
    ]);
  }
  const trace = traceparent(request);
  const entries = events.map((event, i): BatchEntry => {
    const result = envelopeViolations(event, `/events/${i}`);
    return Array.isArray(result) ? result : withTraceparent(result, trace);
  });
  return { entries, atomic };
}
