/**
 * Where `herald schemas check --pins` and `herald webhooks pins` get the webhook endpoints' pinned
 * versions: the webhooks app's `GET /v1/pins` (admin bearer token), or a file holding the same JSON
 * (`herald webhooks pins --json > pins.json`), for a CI that cannot reach the deployed app. A source
 * that cannot be read, or does not hold that JSON, stops the check (exit 2): checking no pins would
 * pass a change that breaks them.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';

import type { PinInUse } from './pinned-versions.rule';
import { SchemaCheckUsageError } from './schema-check.error';

export class PinsSourceError extends SchemaCheckUsageError {}

export interface PinsInUse {
  /** The file or URL read, for messages. */
  readonly source: string;
  readonly pins: readonly PinInUse[];
}

const TIMEOUT_MS = 15_000;
const PINS_PATH = 'v1/pins';

const whole = (what: string, min: number) =>
  z
    .number({ error: `must be ${what}` })
    .int(`must be ${what}`)
    .min(min, `must be ${what}`);
// Extra fields are ignored: the webhooks app may add some, and an older CLI should still read it.
const pinsDocument = z.object(
  {
    pins: z.array(
      z.object(
        {
          type: z.string({ error: 'must be an event type' }).min(1, 'must be an event type'),
          version: whole('a schema version (a whole number from 1)', 1),
          endpoints: whole('a count of endpoints (a whole number from 1)', 1),
        },
        { error: 'must be an object {"type", "version", "endpoints"}' },
      ),
      { error: 'must be an array' },
    ),
  },
  { error: 'must be a JSON object {"pins": [...]}' },
);

export function isPinsUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/**
 * The pins listing of the webhooks app at `base`: `http://127.0.0.1:8082` becomes
 * `http://127.0.0.1:8082/v1/pins`; a URL already ending in /v1/pins is kept.
 */
export function pinsUrl(base: string): string {
  const url = new URL(base);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(`/${PINS_PATH}`) ? path : `${path}/${PINS_PATH}`;
  return url.href;
}

/** Reads a pins file (relative to `cwd`) or fetches the listing from a webhooks app URL. */
export async function readPins(
  source: string,
  options: { readonly cwd: string; readonly token: string | undefined },
): Promise<PinsInUse> {
  return isPinsUrl(source)
    ? fetchPins(source, options.token)
    : readPinsFile(resolve(options.cwd, source), source);
}

async function readPinsFile(path: string, source: string): Promise<PinsInUse> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PinsSourceError(`cannot read the pins file ${source}: ${(error as Error).message}`);
  }
  return { source, pins: parsePins(text, `the pins file ${source}`) };
}

async function fetchPins(base: string, token: string | undefined): Promise<PinsInUse> {
  let url: string;
  try {
    url = pinsUrl(base);
  } catch {
    throw new PinsSourceError(
      `--pins ${base} is not a URL (give the webhooks app, e.g. http://127.0.0.1:8082)`,
    );
  }
  if (token === undefined || token === '') {
    throw new PinsSourceError(
      `WEBHOOKS_ADMIN_TOKEN is not set: ${url} needs the webhooks app's admin token as bearer ` +
        '(or pass a file exported with `herald webhooks pins --json`)',
    );
  }
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new PinsSourceError(
      `cannot reach the webhooks app at ${url}: ${cause ?? (error as Error).message}`,
    );
  }
  const text = await response.text();
  if (response.status !== 200) {
    const refused = response.status === 401 ? ' (is WEBHOOKS_ADMIN_TOKEN the admin token of that app?)' : '';
    throw new PinsSourceError(
      `the webhooks app at ${url} answered ${response.status}${refused}: ${problemDetail(text)}`,
    );
  }
  return { source: url, pins: parsePins(text, `the answer of ${url}`) };
}

/** `{"pins": [{"type", "version", "endpoints"}]}`, or a PinsSourceError naming the first bad spot. */
export function parsePins(text: string, what: string): PinInUse[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PinsSourceError(`${what} is not JSON: ${(error as Error).message}`);
  }
  const parsed = pinsDocument.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const pointer = issue.path.length === 0 ? '/' : `/${issue.path.join('/')}`;
    throw new PinsSourceError(
      `${what} does not hold pinned versions ({"pins": [{"type", "version", "endpoints"}]}): ${pointer} ${issue.message}`,
    );
  }
  return parsed.data.pins;
}

function problemDetail(text: string): string {
  try {
    const problem = JSON.parse(text) as { detail?: unknown };
    if (typeof problem.detail === 'string') return problem.detail;
  } catch {
    // Not a problem+json answer: its first characters say what it was.
  }
  return text.slice(0, 200) || '(empty body)';
}
