/**
 * Validation of the audit API's input, at the use-case boundary: query parameters of the
 * search and the export, and the body of a verification. Every problem is reported with its
 * path; unknown parameters are errors so a typo (`tpye=`) does not silently widen a query.
 */
import { z } from 'zod';
import { decodeCursor } from './audit-cursor';
import { InvalidAuditRequestError } from './audit-errors';
import type { VerifyScope } from './chain-verifier';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

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

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const text = z
  .string({ error: 'must be given once, as text' })
  .min(1, 'must not be empty')
  .max(1000, 'must be at most 1000 characters');

const instant = z
  .string({ error: 'must be given once, as an RFC 3339 date-time' })
  .refine((v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)), 'must be an RFC 3339 date-time')
  .transform((v) => new Date(v).toISOString());

const cursor = z
  .string({ error: 'must be given once' })
  .transform(
    (v, ctx) =>
      decodeCursor(v) ?? (ctx.addIssue({ code: 'custom', message: 'is not a valid cursor' }), z.NEVER),
  );

const filterShape = { type: text, key: text, subject: text, source: text, from: instant, to: instant };

const pageQuery = z
  .strictObject({
    ...partial(filterShape),
    cursor: cursor.optional(),
    limit: z.coerce
      .number({ error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
      .int(`must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .min(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .max(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .default(DEFAULT_PAGE_SIZE),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    path: ['to'],
    message: 'must be later than from',
  });

const offset = z
  .union([z.number().int().min(0), z.string().regex(/^(0|[1-9]\d{0,18})$/)], {
    error: 'must be a Kafka offset (a whole number, or its decimal text)',
  })
  .transform((v) => String(v));

const verifyBody = z
  .strictObject({
    topic: text.optional(),
    partition: z.number({ error: 'must be a partition number' }).int().min(0).optional(),
    fromOffset: offset.optional(),
    toOffset: offset.optional(),
  })
  .refine((b) => b.partition === undefined || b.topic !== undefined, {
    path: ['partition'],
    message: 'needs topic',
  })
  .refine((b) => (b.fromOffset === undefined && b.toOffset === undefined) || b.partition !== undefined, {
    path: ['fromOffset'],
    message: 'an offset range needs topic and partition',
  });

function partial<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidAuditRequestError(
    result.error.issues.map((issue) => ({
      path: `/${issue.path.map(String).join('/')}`,
      message:
        issue.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}` : issue.message,
    })),
  );
}

function filterOf(q: Partial<Record<keyof typeof filterShape, string>>): AuditFilter {
  const filter: Record<string, string> = {};
  for (const name of Object.keys(filterShape) as (keyof typeof filterShape)[]) {
    const value = q[name];
    if (value !== undefined) filter[name] = value;
  }
  return filter;
}

/** `GET /v1/audit` parameters. */
export function parsePageRequest(query: unknown): AuditPageRequest {
  const q = parse(pageQuery, query ?? {});
  return { filter: filterOf(q), after: q.cursor, limit: q.limit };
}

/** `GET /v1/audit/export` parameters: the same filter and cursor; the whole result, no page size. */
export function parseExportRequest(query: unknown): Omit<AuditPageRequest, 'limit'> {
  const { limit: _limit, ...rest } = parsePageRequest({ ...(query as object), limit: undefined });
  return rest;
}

/** `POST /v1/audit/verify` body (absent or empty: every chain). */
export function parseVerifyScope(body: unknown): VerifyScope {
  const b = parse(verifyBody, body ?? {});
  // Leave absent fields out (exactOptionalPropertyTypes-friendly, and what the verifier logs).
  return Object.fromEntries(Object.entries(b).filter(([, value]) => value !== undefined));
}
