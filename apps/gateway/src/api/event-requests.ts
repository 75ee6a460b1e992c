/**
 * Reads publish requests off HTTP: the content type decides the format (the gateway envelope
 * as application/json, a structured or binary CloudEvent), a valid W3C `traceparent` header is
 * carried along (an invalid one is ignored), and a batch is split into per-event envelopes so one bad entry does not
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
import { RawBody, type NumberTexts, type ParsedJson } from './gateway-body.parser';

export interface SingleEventRequest {
  readonly event: PublishRequest;
  /** The text of each number JSON could not hold exactly, by pointer (see `withNumberTexts`). */
  readonly numberTexts: NumberTexts;
}

export interface BatchRequest {
  readonly entries: BatchEntry[];
  readonly atomic: boolean;
  readonly numberTexts: NumberTexts;
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
  // Sent twice, it is invalid (W3C Trace Context) and ignored.
  return Array.isArray(value) ? undefined : value;
}

/** Under `/data`, where a binary CloudEvent's body (its data) sits in the event. */
function underData(texts: NumberTexts): NumberTexts {
  return texts.size === 0
    ? texts
    : new Map([...texts].map(([path, text]) => [`/data${path === '/' ? '' : path}`, text]));
}

export function readSingleEvent(request: FastifyRequest): SingleEventRequest {
  const type = mediaType(request, [JSON_TYPE, CLOUDEVENT_TYPE]);
  if (type !== CLOUDEVENT_TYPE && isBinaryCloudEvent(request.headers)) {
    // The body is the event's data: its problems are reported under /data, as the data's are.
    const { value: body, numberTexts } = readUnderData(rawBody(request));
    const texts = underData(numberTexts);
    return {
      event: readWith(texts, () =>
        withTraceparent(fromBinaryCloudEvent(request.headers, body), traceparent(request)),
      ),
      numberTexts: texts,
    };
  }
  const { value: body, numberTexts } = rawBody(request).json();
  const event = readWith(numberTexts, () =>
    type === CLOUDEVENT_TYPE
      ? withTraceparent(fromStructuredCloudEvent(body), traceparent(request))
      : parseEnvelope(body, traceparent(request)),
  );
  return { event, numberTexts };
}

function readUnderData(body: RawBody): ParsedJson {
  try {
    return body.json();
  } catch (error) {
    if (!(error instanceof GatewayError) || error.violations.length === 0) throw error;
    const violations = error.violations.map((v) => ({ ...v, path: `/data${v.path === '/' ? '' : v.path}` }));
    throw new GatewayError(error.kind, error.message, violations);
  }
}

function readWith<T>(numberTexts: NumberTexts, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof GatewayError ? withNumberTexts(error, numberTexts) : error;
  }
}

/**
 * The error with each violation about a number JSON could not hold exactly saying what was sent:
 * JSON.parse reads `1e400` as Infinity (shown as null) and `9007199254740993` as 9007199254740992,
 * so a message built from the parsed value would name a number the client never sent.
 */
export function withNumberTexts(error: GatewayError, numberTexts: NumberTexts): GatewayError {
  if (numberTexts.size === 0 || !error.violations.some((v) => numberTexts.has(v.path))) return error;
  const violations = error.violations.map((violation) => {
    const text = numberTexts.get(violation.path);
    return text === undefined
      ? violation
      : { path: violation.path, message: outOfRange(violation.message, text) };
  });
  return new GatewayError(error.kind, error.message, violations, error.retryAfterSeconds, {
    cause: error.cause,
  });
}

function outOfRange(message: string, text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  const range = Number.isFinite(Number(text))
    ? 'beyond ±2^53 (9007199254740991) a JSON number is not read exactly; send a long that large as a string'
    : 'it is beyond the range of a double';
  const got = `got ${shown}, which is out of range: ${range}`;
  const at = message.lastIndexOf(', got ');
  return at >= 0 ? `${message.slice(0, at)}, ${got}` : `${message} (${got})`;
}

export function readBatch(request: FastifyRequest, maxEvents: number): BatchRequest {
  mediaType(request, [JSON_TYPE]);
  const { value: body, numberTexts } = rawBody(request).json();
  return readWith(numberTexts, () => batchOf(body, numberTexts, traceparent(request), maxEvents));
}

function batchOf(
  body: unknown,
  numberTexts: NumberTexts,
  trace: string | undefined,
  maxEvents: number,
): BatchRequest {
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
  const entries = events.map((event, i): BatchEntry => {
    const result = envelopeViolations(event, `/events/${i}`);
    return Array.isArray(result) ? result : withTraceparent(result, trace);
  });
  return { entries, atomic, numberTexts };
}
