/**
 * The shape of the admin API's input, checked at the use-case boundary: the create and update
 * bodies, the list's parameters, ids and the rotation body. Every problem is reported with its
 * JSON pointer; unknown fields and parameters are errors (a typo must not be ignored); whatever
 * passes fits its column (no U+0000 or lone surrogate, which PostgreSQL text and jsonb cannot
 * hold), so bad input is a 4xx and never a database error. Rules that need the catalog or the
 * destination policy are in endpoint-rules.ts.
 */
import { z } from 'zod';
import { ENDPOINT_FORMATS } from './endpoint';
import { decodeEndpointCursor, isEndpointId } from './endpoint-ids';
import { InvalidEndpointRequestError, type RequestIssue } from './endpoint-errors';
import type { EndpointSettings } from './endpoint-store.port';

export const LIMITS = {
  urlLength: 2048,
  types: 100,
  patternLength: 249,
  tenantLength: 256,
  versions: 100,
  rateLimit: 10_000,
  descriptionLength: 1024,
  metadataEntries: 50,
  metadataKeyLength: 128,
  metadataValueLength: 1024,
  pageSize: 100,
  defaultPageSize: 20,
  /** Seven days: the longest a rotated-out secret may keep signing when the rotation names it. */
  maxOverlapMs: 7 * 86_400_000,
} as const;

/** C0 and C1 control characters and DEL. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, except tab, line feed and carriage return (allowed in free text). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const length = (value: string) => [...value].length;

function text(what: string, options: { min: number; max: number; controls: RegExp }) {
  return z
    .string({ error: `must be ${what}` })
    .refine((v) => v.isWellFormed(), 'must be well-formed Unicode (no lone surrogate)')
    .refine((v) => length(v) >= options.min, `must not be empty`)
    .refine((v) => length(v) <= options.max, `must be at most ${options.max} characters`)
    .refine(
      (v) => !options.controls.test(v),
      options.controls === CONTROL
        ? 'must not contain control characters'
        : 'must not contain control characters other than tab and line breaks',
    );
}

const url = z
  .string({ error: 'must be a string: the http(s) URL deliveries are POSTed to' })
  .min(1, 'must not be empty')
  .max(LIMITS.urlLength, `must be at most ${LIMITS.urlLength} characters`)
  .refine((v) => v.isWellFormed(), 'must be well-formed Unicode (no lone surrogate)')
  .refine((v) => !CONTROL.test(v) && !/\s/.test(v), 'must not contain spaces or control characters');

const pattern = z
  .string({ error: 'must be an event type, <domain>.* or *' })
  .min(1, 'must not be empty')
  .max(LIMITS.patternLength, `must be at most ${LIMITS.patternLength} characters`);

const types = z
  .array(pattern, { error: 'must be an array of event types or patterns (`payments.*`, `*`)' })
  .min(1, 'must name at least one event type or pattern')
  .max(LIMITS.types, `must name at most ${LIMITS.types} event types or patterns`)
  .superRefine((list, ctx) => {
    list.forEach((p, i) => {
      if (list.indexOf(p) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `repeats "${p}"` });
    });
  });

const tenant = text('a string (or null for no tenant)', {
  min: 1,
  max: LIMITS.tenantLength,
  controls: CONTROL,
}).nullable();

const VERSION = 'must be a schema version number (a whole number from 1)';
const versions = z
  .record(z.string(), z.number({ error: VERSION }).int(VERSION).min(1, VERSION), {
    error: 'must be an object mapping event types to pinned versions',
  })
  .refine((v) => Object.keys(v).length <= LIMITS.versions, `must pin at most ${LIMITS.versions} types`);

const FORMAT = `must be one of ${ENDPOINT_FORMATS.map((f) => `"${f}"`).join(', ')}: the shape of the delivered body`;
const format = z.enum(ENDPOINT_FORMATS, { error: FORMAT });

const RATE = `must be a whole number of deliveries per second from 1 to ${LIMITS.rateLimit}, or null`;
const rateLimit = z.number({ error: RATE }).int(RATE).min(1, RATE).max(LIMITS.rateLimit, RATE).nullable();

const description = text('a string', {
  min: 0,
  max: LIMITS.descriptionLength,
  controls: CONTROL_BUT_WHITESPACE,
});

const metadataKey = text('a string', { min: 1, max: LIMITS.metadataKeyLength, controls: CONTROL });
const metadataValue = text('a string', {
  min: 0,
  max: LIMITS.metadataValueLength,
  controls: CONTROL_BUT_WHITESPACE,
});
const metadata = z
  .record(z.string(), z.unknown(), { error: 'must be an object of string values' })
  .superRefine((entries, ctx) => {
    const keys = Object.keys(entries);
    if (keys.length > LIMITS.metadataEntries) {
      ctx.addIssue({ code: 'custom', message: `must have at most ${LIMITS.metadataEntries} entries` });
    }
    for (const key of keys) {
      const keyCheck = metadataKey.safeParse(key);
      if (!keyCheck.success) {
        ctx.addIssue({ code: 'custom', path: [key], message: `key ${keyCheck.error.issues[0]?.message}` });
      }
      const valueCheck = metadataValue.safeParse(entries[key]);
      if (!valueCheck.success) {
        ctx.addIssue({ code: 'custom', path: [key], message: valueCheck.error.issues[0]?.message ?? '' });
      }
    }
  })
  .transform((entries): Record<string, string> => entries as Record<string, string>);

const settings = {
  url,
  types,
  tenant: tenant.optional(),
  versions: versions.optional(),
  format: format.optional(),
  rateLimit: rateLimit.optional(),
  ordered: z.boolean({ error: 'must be true or false' }).optional(),
  description: description.optional(),
  metadata: metadata.optional(),
};

const createBody = z.strictObject(settings, { error: 'the body must be a JSON object' });
const updateBody = z.strictObject(
  {
    ...settings,
    url: url.optional(),
    types: types.optional(),
    enabled: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: 'the body must be a JSON object' },
);

const OVERLAP = `must be a whole number of milliseconds from 0 to ${LIMITS.maxOverlapMs} (7 days)`;
const rotateBody = z.strictObject(
  {
    overlapMs: z
      .number({ error: OVERLAP })
      .int(OVERLAP)
      .min(0, OVERLAP)
      .max(LIMITS.maxOverlapMs, OVERLAP)
      .optional(),
  },
  { error: 'the body must be a JSON object (or absent)' },
);

const PAGE_SIZE = `must be a whole number from 1 to ${LIMITS.pageSize}`;
const pageQuery = z.strictObject({
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
        decodeEndpointCursor(v) ??
        (ctx.addIssue({ code: 'custom', message: 'is not a cursor of this list' }), z.NEVER),
    )
    .optional(),
});
const noParameters = z.strictObject({});

export type CreateRequest = EndpointSettings;
export type UpdateRequest = Partial<EndpointSettings> & { readonly enabled?: boolean };
export interface PageRequest {
  readonly after: string | undefined;
  readonly limit: number;
}

/** RFC 6901: `~` and `/` inside a token are escaped. */
export function pointer(path: readonly PropertyKey[]): string {
  return `/${path.map((part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

type Checked<T> = { ok: true; value: T } | { ok: false; issues: RequestIssue[] };

/** Checks `input` against `schema`; an unknown key is reported as "is not <unknown>". */
export function check<S extends z.ZodType>(schema: S, input: unknown, unknown: string): Checked<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issues = new Map<string, RequestIssue>();
  const add = (path: string, message: string) => issues.set(`${path}\n${message}`, { path, message });
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(pointer([...issue.path, key]), `is not ${unknown}`);
    } else {
      add(pointer(issue.path), issue.message);
    }
  }
  return { ok: false, issues: [...issues.values()] };
}

/** The checked value, or the refusal of `part` (400 for parameters, 422 for a body). */
export function valueOf<T>(checked: Checked<T>, part: 'parameters' | 'body'): T {
  if (!checked.ok) throw new InvalidEndpointRequestError(part, checked.issues);
  return checked.value;
}

/** No query parameters, and the path's ids well-formed (garbage is a 400, not a lookup). */
function checkParameters(query: unknown, ids: Record<string, unknown> = {}): void {
  const checked = check(noParameters, query ?? {}, 'a parameter of this route');
  const issues = checked.ok ? [] : [...checked.issues];
  for (const [name, value] of Object.entries(ids)) {
    if (!isEndpointId(value))
      issues.push({ path: `/${name}`, message: 'is not an endpoint id (ep_<uuidv7>)' });
  }
  if (issues.length > 0) throw new InvalidEndpointRequestError('parameters', issues);
}

/** A route that takes no query parameters (`GET /v1/pins`). */
export function parseNoParameters(query: unknown): void {
  checkParameters(query);
}

/** The id of a route on one endpoint (`/v1/endpoints/{id}...`), which takes no query parameters. */
export function parseEndpointId(id: unknown, query: unknown): string {
  checkParameters(query, { id });
  return id as string;
}

export function parseCreateRequest(body: unknown, query: unknown): CreateRequest {
  checkParameters(query);
  const b = valueOf(check(createBody, body, 'a field of an endpoint'), 'body');
  return {
    url: b.url,
    types: b.types,
    tenant: b.tenant ?? null,
    versions: b.versions ?? {},
    format: b.format ?? 'standard',
    rateLimit: b.rateLimit ?? null,
    ordered: b.ordered ?? false,
    description: b.description ?? '',
    metadata: b.metadata ?? {},
  };
}

export function parseUpdateRequest(body: unknown): UpdateRequest {
  const b = valueOf(check(updateBody, body, 'a field of an endpoint'), 'body');
  // Leave absent fields out: absent means "unchanged", null means "none" (tenant, rateLimit).
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
}

export function parseRotateRequest(body: unknown): { overlapMs?: number } {
  const b = valueOf(check(rotateBody, body === undefined ? {} : body, 'a field of a rotation'), 'body');
  return b.overlapMs === undefined ? {} : { overlapMs: b.overlapMs };
}

export function parsePageRequest(query: unknown): PageRequest {
  const q = valueOf(check(pageQuery, query ?? {}, 'a parameter of this list'), 'parameters');
  return { after: q.cursor, limit: q.limit ?? LIMITS.defaultPageSize };
}
