/**
 * The gateway's HTTP contract (docs/gateway.md) as TypeScript: request bodies, the 202
 * answer of `POST /v1/events`, the per-event results of `POST /v1/events/batch`, and the parsing of
 * answers into results or typed errors. The gateway implementation uses the same shapes.
 */
import { HeraldProblemError, type ProblemDetails } from './herald-errors';

/** One event as `POST /v1/events` and each entry of a batch carry it. */
export interface EventRequestBody {
  type: string;
  version?: number;
  id?: string;
  key?: string;
  /** RFC 3339. */
  time?: string;
  subject?: string;
  data: unknown;
}

export interface BatchRequestBody {
  events: EventRequestBody[];
  atomic: boolean;
}

/** Where Kafka stored an accepted event: the 202 body of `POST /v1/events`. */
export interface PublishResult {
  id: string;
  type: string;
  version: number;
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: a decimal string. */
  offset: string;
  /** True when the same id and content had been published before: nothing new was written. */
  duplicate?: boolean;
}

/** One entry of the 200 body of `POST /v1/events/batch`, in the order of the request's events. */
export type BatchResultBody =
  ({ status: 'accepted' } & PublishResult) | { status: 'rejected'; id?: string; error: ProblemDetails };

export interface BatchResponseBody {
  results: BatchResultBody[];
}

/** A batch entry as the SDK returns it: rejections carry a typed error. */
export type BatchEventResult =
  | ({ status: 'accepted' } & PublishResult)
  | { status: 'rejected'; id: string | undefined; error: HeraldProblemError };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * A problem from any error answer. A body that is not problem+json (a proxy's HTML page, say)
 * still becomes a problem, from the status line, so callers always get the same error type.
 */
export function toProblem(status: number, statusText: string, body: unknown): ProblemDetails {
  if (isObject(body) && typeof body['title'] === 'string') {
    return {
      type: typeof body['type'] === 'string' ? body['type'] : 'about:blank',
      title: body['title'],
      status: typeof body['status'] === 'number' ? body['status'] : status,
      ...(typeof body['detail'] === 'string' ? { detail: body['detail'] } : {}),
      errors: Array.isArray(body['errors']) ? body['errors'].filter(isViolation) : [],
    };
  }
  return { type: 'about:blank', title: statusText || `HTTP ${status}`, status, errors: [] };
}

function isViolation(value: unknown): value is { path: string; message: string } {
  return isObject(value) && typeof value['path'] === 'string' && typeof value['message'] === 'string';
}

/** Reads a 202 body; the offset is normalised to a string whichever way the gateway wrote it. */
export function toPublishResult(body: unknown): PublishResult {
  if (!isObject(body) || typeof body['id'] !== 'string' || typeof body['topic'] !== 'string') {
    throw new TypeError(`unexpected answer from the gateway: ${JSON.stringify(body)}`);
  }
  return {
    id: body['id'],
    type: String(body['type']),
    version: Number(body['version']),
    topic: body['topic'],
    partition: Number(body['partition']),
    offset: String(body['offset']),
    ...(body['duplicate'] === true ? { duplicate: true } : {}),
  };
}

export function toBatchResults(body: unknown, expected: number): BatchEventResult[] {
  const results = isObject(body) ? body['results'] : undefined;
  if (!Array.isArray(results) || results.length !== expected) {
    throw new TypeError(`expected ${expected} batch results from the gateway, got ${JSON.stringify(body)}`);
  }
  return results.map((result: unknown): BatchEventResult => {
    if (isObject(result) && result['status'] === 'rejected') {
      const problem = toProblem(422, 'Unprocessable Content', result['error']);
      const id = typeof result['id'] === 'string' ? result['id'] : undefined;
      return { status: 'rejected', id, error: new HeraldProblemError(problem) };
    }
    return { status: 'accepted', ...toPublishResult(result) };
  });
}
