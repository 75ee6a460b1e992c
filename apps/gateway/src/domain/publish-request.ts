/**
 * The gateway's event envelope (docs/gateway.md): what a client sends for one event, validated with
 * every violation reported as a JSON pointer. Envelope problems are the client's request
 * shape (400); the event's data is checked later against its schema (422).
 */
import { z } from 'zod';
import { GatewayError, type Violation } from './gateway-errors';

export interface PublishRequest {
  readonly type: string;
  readonly version?: number;
  readonly id?: string;
  readonly key?: string;
  readonly time?: string;
  readonly subject?: string;
  readonly data: unknown;
  readonly traceparent?: string;
}

/** Printable text without control characters: it travels as a Kafka header and in logs. */
const headerSafe = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
    // A lone surrogate (`"\ud800"` in the JSON) has no UTF-8 form: it would reach Kafka's header
    // and PostgreSQL as U+FFFD, another id than the one sent.
    .refine((text) => text.isWellFormed(), 'must be well-formed Unicode (no lone surrogate)');

export const envelopeSchema = z.strictObject({
  type: z.string({ error: 'required: the event type, e.g. payments.payment.received' }),
  version: z
    .number({ error: 'must be a positive whole number' })
    .int('must be a positive whole number')
    .min(1, 'must be a positive whole number')
    .max(2 ** 31 - 1, 'is not a registry version')
    .optional(),
  id: headerSafe(200).optional(),
  key: headerSafe(4096).optional(),
  time: z.iso
    .datetime({ offset: true, error: 'must be an RFC 3339 timestamp such as 2026-11-27T10:15:00Z' })
    .optional(),
  subject: headerSafe(1024).optional(),
  data: z.unknown().refine((value) => value !== undefined, 'required: the event data'),
});

/** W3C Trace Context `traceparent`: version, trace id, parent id, flags; later versions may append fields. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_PARENT_ID = '0'.repeat(16);

/**
 * The `traceparent` to carry to Kafka, or undefined when the header is not valid W3C Trace Context
 * (https://www.w3.org/TR/trace-context/#traceparent-header): the spec says to ignore such a header
 * and start a new trace, not to refuse the request. Invalid: not lower-case hex in the version-00
 * layout, version `ff`, an all-zero trace id or parent id, or version 00 with anything after the
 * flags. A later version is read as version 00 and carried as such, as the spec asks of a
 * participant that only knows version 00.
 */
export function validTraceparent(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = TRACEPARENT.exec(header);
  if (match === null) return undefined;
  const [, version, traceId, parentId, flags, rest] = match;
  if (version === 'ff' || traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined;
  if (version === '00') return rest === undefined ? header : undefined;
  return `00-${traceId}-${parentId}-${flags}`;
}

export function pointer(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  return prefix + path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Violations of the envelope, with pointers under `prefix` (`/events/3` inside a batch). */
export function envelopeViolations(body: unknown, prefix = ''): Violation[] | PublishRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [{ path: prefix || '/', message: 'must be a JSON object (the event envelope)' }];
  }
  const parsed = envelopeSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        path: pointer([...issue.path, issue.keys[0] ?? ''], prefix),
        message: `unknown envelope field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: type, version, id, key, time, subject, data)`,
      };
    }
    return { path: pointer(issue.path, prefix), message: issue.message };
  });
}

export function parseEnvelope(body: unknown, traceparent: string | undefined): PublishRequest {
  const result = envelopeViolations(body);
  if (Array.isArray(result)) throw GatewayError.malformed('the event envelope is invalid', result);
  return withTraceparent(result, traceparent);
}

/** The request with the header's traceparent when it is valid; an invalid one is ignored. */
export function withTraceparent(request: PublishRequest, traceparent: string | undefined): PublishRequest {
  const valid = validTraceparent(traceparent);
  return valid === undefined ? request : { ...request, traceparent: valid };
}
