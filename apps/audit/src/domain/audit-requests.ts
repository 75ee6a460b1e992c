/**
 * Validation of the audit API's input, at the use-case boundary: the parameters of the search,
 * the export and the lookup by id, and the body of a verification. Every problem is reported
 * with its path; unknown parameters and fields are errors so a typo (`tpye=`) does not silently
 * widen a query. Whatever passes fits the column it is compared with (text PostgreSQL can hold,
 * integers within int4/int8, dates that exist), so bad input is a 400 and never a database error.
 */
import { z } from 'zod';
import { decodeCursor } from './audit-cursor';
import { InvalidAuditRequestError, type RequestIssue } from './audit-errors';
import type { VerifyScope } from './chain-verifier';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/** The longest id or filter text: the gateway's longest envelope field (`key`) is 4096. */
export const MAX_TEXT_LENGTH = 4096;
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MAX = 2n ** 63n - 1n;

export interface AuditFilter {
  readonly type?: string;
  readonly key?: string;
  readonly subject?: string;
  readonly source?: string;
  /** Inclusive lower bound on the event time (ISO 8601 UTC). */
  readonly from?: string;
  /** Exclusive upper bound on the event time (ISO 8601 UTC). */
  readonly to?: string;
}

export interface AuditPageRequest {
  readonly filter: AuditFilter;
  /** Only rows ingested after this sequence (decoded from the cursor). */
  readonly after?: string;
  readonly limit: number;
}

/**
 * An id or filter value: text PostgreSQL can hold. U+0000 it cannot (a 500 before this rule), and
 * a lone surrogate has no UTF-8 form (it would be sent as U+FFFD and match another value); no
 * stored row holds either, so asking for one is a 400. Other control characters stay allowed:
 * the gateway refuses them, but the audit records every producer on the bus, and a row holding a
 * tab or a C1 control is stored verbatim and must stay reachable by its id and filters.
 */
const text = z
  .string({ error: 'must be given once, as text' })
  .min(1, 'must not be empty')
  .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`)
  .refine((value) => !value.includes('\u0000'), 'must not contain U+0000 (NUL)')
  .refine((value) => value.isWellFormed(), 'must be well-formed Unicode (no lone surrogate)');

const RFC3339 = z.iso.datetime({ offset: true });
const INSTANT_MESSAGE = 'must be an RFC 3339 date-time that exists, such as 2026-01-01T00:00:00Z';
/** `+01:00` typed into a URL arrives as ` 01:00`: `+` means a space in a query string. */
const PLUS_AS_SPACE = / \d{2}:\d{2}$/;

/**
 * Zod's RFC 3339 check refuses what `Date.parse` would silently roll over (February 30, hour
 * 24, second 60: JavaScript and PostgreSQL dates have no leap seconds). RFC 3339 allows a
 * lowercase `t`/`z` and a space between date and time; they are normalised first.
 */
const instant = z
  .string({ error: 'must be given once, as an RFC 3339 date-time' })
  .max(64, INSTANT_MESSAGE)
  .transform((value, ctx) => {
    const normalised = value.replace(/^(.{10}) /, '$1T').toUpperCase();
    if (RFC3339.safeParse(normalised).success) return new Date(normalised).toISOString();
    const hint = PLUS_AS_SPACE.test(value) ? ' (send a + offset as %2B in a URL)' : '';
    ctx.addIssue({ code: 'custom', message: INSTANT_MESSAGE + hint });
    return z.NEVER;
  });

/** A whole number in [min, max], as a JSON number or as decimal text; always decimal text out. */
function wholeNumber(min: bigint, max: bigint, message: string) {
  return z.unknown().transform((value, ctx) => {
    const digits =
      typeof value === 'number' && Number.isSafeInteger(value)
        ? String(value)
        : typeof value === 'string'
          ? value
          : '';
    if (/^(0|[1-9]\d{0,18})$/.test(digits) && BigInt(digits) >= min && BigInt(digits) <= max) {
      return digits;
    }
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
}

const limit = wholeNumber(
  1n,
  BigInt(MAX_PAGE_SIZE),
  `must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
).transform(Number);

const cursor = z
  .string({ error: 'must be given once' })
  .transform(
    (v, ctx) =>
      decodeCursor(v) ?? (ctx.addIssue({ code: 'custom', message: 'is not a valid cursor' }), z.NEVER),
  );

const searchParameters = {
  type: text.optional(),
  key: text.optional(),
  subject: text.optional(),
  source: text.optional(),
  from: instant.optional(),
  to: instant.optional(),
  cursor: cursor.optional(),
};

function inOrder(q: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  // Compared as instants: toISOString of a year beyond 9999 (+010000-…) does not sort as text.
  if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) >= Date.parse(q.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  }
}

const pageQuery = z.strictObject({ ...searchParameters, limit: limit.optional() }).superRefine(inOrder);
const exportQuery = z.strictObject(searchParameters).superRefine(inOrder);
const noParameters = z.strictObject({});

/** Kafka's rule for topic names: a name outside it cannot have been consumed. */
const topic = z
  .string({ error: 'must be a Kafka topic name' })
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name (1-249 of A-Z a-z 0-9 . _ -)')
  .refine((name) => name !== '.' && name !== '..', 'must be a Kafka topic name (not . or ..)');

const PARTITION_MESSAGE = `must be a partition number, a whole number from 0 to ${INT32_MAX}`;
const OFFSET_MESSAGE = `must be a Kafka offset from 0 to ${INT64_MAX} (a JSON number, or decimal text above 2^53)`;

const verifyBody = z
  .strictObject({
    topic: topic.optional(),
    partition: z
      .number({ error: PARTITION_MESSAGE })
      .int(PARTITION_MESSAGE)
      .min(0, PARTITION_MESSAGE)
      .max(Number(INT32_MAX), PARTITION_MESSAGE)
      .optional(),
    fromOffset: wholeNumber(0n, INT64_MAX, OFFSET_MESSAGE).optional(),
    toOffset: wholeNumber(0n, INT64_MAX, OFFSET_MESSAGE).optional(),
  })
  .refine((b) => b.partition === undefined || b.topic !== undefined, {
    path: ['partition'],
    message: 'needs topic',
  })
  .refine((b) => (b.fromOffset === undefined && b.toOffset === undefined) || b.partition !== undefined, {
    path: ['fromOffset'],
    message: 'an offset range needs topic and partition',
  })
  .refine(
    (b) =>
      b.fromOffset === undefined || b.toOffset === undefined || BigInt(b.fromOffset) <= BigInt(b.toOffset),
    { path: ['toOffset'], message: 'must not be below fromOffset (the range includes both ends)' },
  );

type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: RequestIssue[] };

function pointer(path: readonly PropertyKey[]): string {
  return `/${path.map((part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/** `unknown` names what an unknown key is to the client: a query `parameter` or a body `field`. */
function check<S extends z.ZodType>(
  schema: S,
  input: unknown,
  unknown: 'parameter' | 'field',
  at: readonly PropertyKey[] = [],
): Checked<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  // One entry per path and message: a value can fail two checks that say the same thing.
  const issues = new Map<string, RequestIssue>();
  for (const issue of result.error.issues) {
    const path = pointer([...at, ...issue.path]);
    const message =
      issue.code === 'unrecognized_keys' ? `unknown ${unknown}(s) ${issue.keys.join(', ')}` : issue.message;
    issues.set(`${path}\n${message}`, { path, message });
  }
  return { ok: false, issues: [...issues.values()] };
}

type ValuesOf<T extends readonly Checked<unknown>[]> = {
  [K in keyof T]: T[K] extends Checked<infer V> ? V : never;
};

/** The checked values, or one error listing the issues of every input (path and query together). */
function valuesOf<T extends readonly Checked<unknown>[]>(...checks: T): ValuesOf<T> {
  const issues = checks.flatMap((c) => (c.ok ? [] : c.issues));
  if (issues.length > 0) throw new InvalidAuditRequestError(issues);
  return checks.map((c) => (c.ok ? c.value : undefined)) as ValuesOf<T>;
}

function filterOf(q: Partial<Record<keyof AuditFilter, string>>): AuditFilter {
  const filter: Record<string, string> = {};
  for (const name of ['type', 'key', 'subject', 'source', 'from', 'to'] as const) {
    const value = q[name];
    if (value !== undefined) filter[name] = value;
  }
  return filter;
}

/** `GET /v1/audit` parameters. */
export function parsePageRequest(query: unknown): AuditPageRequest {
  const [q] = valuesOf(check(pageQuery, query ?? {}, 'parameter'));
  return { filter: filterOf(q), after: q.cursor, limit: q.limit ?? DEFAULT_PAGE_SIZE };
}

/** `GET /v1/audit/export` parameters: the search's filter and cursor; no page size. */
export function parseExportRequest(query: unknown): Omit<AuditPageRequest, 'limit'> {
  const [q] = valuesOf(check(exportQuery, query ?? {}, 'parameter'));
  return { filter: filterOf(q), after: q.cursor };
}

/** `GET /v1/audit/{eventId}`: the id, and no parameters. */
export function parseEventIdRequest(eventId: unknown, query: unknown): string {
  const [id] = valuesOf(
    check(text, eventId, 'parameter', ['eventId']),
    check(noParameters, query ?? {}, 'parameter'),
  );
  return id;
}

/**
 * `POST /v1/audit/verify`: the body (absent: every chain; present: a JSON object) and no
 * parameters.
 */
export function parseVerifyScope(body: unknown, query: unknown = {}): VerifyScope {
  const [b] = valuesOf(
    check(verifyBody, body === undefined ? {} : body, 'field'),
    check(noParameters, query ?? {}, 'parameter'),
  );
  // Leave absent fields out (exactOptionalPropertyTypes-friendly, and what the verifier logs).
  return Object.fromEntries(Object.entries(b).filter(([, value]) => value !== undefined));
}
