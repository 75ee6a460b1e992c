/**
 * The operations API's input, checked at the use-case boundary like the endpoints' (the same
 * pointer-per-problem refusals): the time window of a recover or replay body, the test-event
 * body, job ids and the jobs list's parameters. A body that breaks a rule is a 422, a path or
 * query a 400; unknown fields and parameters are refused, not ignored.
 */
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import { isEndpointId } from './endpoint-ids';
import { InvalidEndpointRequestError, type RequestIssue } from './endpoint-errors';
import { check, LIMITS, valueOf } from './endpoint-requests';
import type { JobFilter, JobWindow } from './jobs';

const JOB_ID = /^job_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EVENT_TYPE = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2}$/;

export function newJobId(): string {
  return `job_${uuidv7()}`;
}

export function isJobId(value: unknown): value is string {
  return typeof value === 'string' && JOB_ID.test(value);
}

const RFC3339 = z.iso.datetime({ offset: true });
const INSTANT = 'must be an RFC 3339 date-time that exists, such as 2026-01-01T00:00:00Z';

/**
 * Zod's RFC 3339 check refuses what `Date.parse` would roll over (February 30, hour 24); RFC 3339
 * allows a lowercase `t`/`z` and a space between date and time, normalised first.
 */
const instant = z
  .string({ error: INSTANT })
  .max(64, INSTANT)
  .transform((value, ctx) => {
    const normalised = value.replace(/^(.{10}) /, '$1T').toUpperCase();
    if (RFC3339.safeParse(normalised).success) return new Date(normalised);
    ctx.addIssue({ code: 'custom', message: INSTANT });
    return z.NEVER;
  });

const windowBody = z
  .strictObject(
    { since: instant, until: instant.nullable().optional() },
    { error: 'the body must be a JSON object: {"since": "<RFC 3339>", "until"?: "<RFC 3339>"}' },
  )
  .superRefine((b, ctx) => {
    // Runs even when a time was refused (over 64 characters: a non-aborting issue), and then that
    // time is no Date: compare only two that parsed (else a TypeError answered 500).
    if (b.until instanceof Date && b.since instanceof Date && b.until.getTime() <= b.since.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than since' });
    }
  });

const VERSION = 'must be a schema version number (a whole number from 1)';
const testBody = z.strictObject(
  {
    type: z
      .string({ error: 'must be an event type such as payments.payment.received' })
      .regex(EVENT_TYPE, 'must be an event type such as payments.payment.received'),
    version: z
      .number({ error: VERSION })
      .int(VERSION)
      .min(1, VERSION)
      .max(2 ** 31 - 1, VERSION)
      .optional(),
  },
  { error: 'the body must be a JSON object: {"type": "<event type>", "version"?: <n>}' },
);

/** `{"since", "until"?}` of a recover or replay (the window of creation or event time). */
export function parseWindowRequest(body: unknown): JobWindow {
  const b = valueOf(check(windowBody, body ?? {}, 'a field of this request'), 'body');
  return { since: b.since, until: b.until ?? null };
}

export interface TestEventRequest {
  readonly type: string;
  readonly version?: number;
}

export function parseTestEventRequest(body: unknown): TestEventRequest {
  const b = valueOf(check(testBody, body ?? {}, 'a field of this request'), 'body');
  return b.version === undefined ? { type: b.type } : { type: b.type, version: b.version };
}

/** A job id from the path, with no query parameters allowed. */
export function parseJobId(id: unknown, query: unknown): string {
  const issues: RequestIssue[] = [];
  const q = typeof query === 'object' && query !== null ? query : {};
  for (const name of Object.keys(q))
    issues.push({ path: `/${name}`, message: 'is not a parameter of this route' });
  if (!isJobId(id)) issues.push({ path: '/jobId', message: 'must be a job id (job_<uuidv7>)' });
  if (issues.length > 0) throw new InvalidEndpointRequestError('parameters', issues);
  return id as string;
}

export function encodeJobCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

function decodeJobCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(cursor)) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return isJobId(id) && encodeJobCursor(id) === cursor ? id : undefined;
}

const PAGE_SIZE = `must be a whole number from 1 to ${LIMITS.pageSize}`;
const jobsQuery = z.strictObject({
  endpoint: z
    .string({ error: 'must be given once, as an endpoint id' })
    .refine(isEndpointId, 'must be an endpoint id (ep_<uuidv7>)')
    .optional(),
  limit: z
    .string({ error: `must be given once, ${PAGE_SIZE}` })
    .regex(/^[1-9][0-9]{0,2}$/, PAGE_SIZE)
    .transform(Number)
    .refine((n) => n <= LIMITS.pageSize, PAGE_SIZE)
    .optional(),
  cursor: z
    .string({ error: 'must be given once' })
    .transform(
      (v, ctx) =>
        decodeJobCursor(v) ??
        (ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave out (use nextCursor)' }),
        z.NEVER),
    )
    .optional(),
});

export interface JobPageRequest {
  readonly filter: JobFilter;
  readonly limit: number;
  readonly before?: string;
}

export function parseJobPage(query: unknown): JobPageRequest {
  const q = valueOf(check(jobsQuery, query ?? {}, 'a parameter of this list'), 'parameters');
  return {
    filter: q.endpoint === undefined ? {} : { endpointId: q.endpoint },
    limit: q.limit ?? LIMITS.defaultPageSize,
    ...(q.cursor === undefined ? {} : { before: q.cursor }),
  };
}
