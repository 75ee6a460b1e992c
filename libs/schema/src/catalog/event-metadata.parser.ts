// Reads an `event.yaml`: YAML syntax first (with line and column), then a strict zod schema that rejects
// unknown keys, so a misspelt `partiton: 6` fails loudly instead of silently falling back to a default.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';

import { COMPATIBILITY_LEVELS } from '../compatibility';
import type { EventMetadata, FileProblem } from './catalog.types';
import { childPointer } from '../model/json-value';

export type EventMetadataResult =
  { ok: true; metadata: EventMetadata } | { ok: false; problems: FileProblem[] };

const RETENTION_UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const RETENTION = /^(?:infinite|([1-9][0-9]*)(ms|s|m|h|d))$/;
/** Kafka's `retention.ms` for "never delete". */
const INFINITE_RETENTION_MS = -1;
/** Avro field names: the key and tenant must name a top-level field. */
const AVRO_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const requiredString = (what: string) =>
  z.string({
    error: (issue) => (issue.input === undefined ? 'missing required field' : `${what} must be a string`),
  });

const fieldName = (what: string) =>
  requiredString(what).regex(AVRO_FIELD_NAME, `${what} must be an Avro field name ([A-Za-z_][A-Za-z0-9_]*)`);

const retentionMs = z
  .string({ error: 'retention must be a string such as 7d or infinite' })
  .regex(
    RETENTION,
    'retention must be a positive number with a unit ms, s, m, h or d (e.g. 30d), or infinite',
  )
  .transform(retentionToMs)
  .refine(Number.isSafeInteger, 'retention is too long to represent in milliseconds');

const eventMetadataSchema = z
  .strictObject(
    {
      description: requiredString('description').trim().min(1, 'description must not be empty'),
      owner: requiredString('owner').regex(/^[a-z][a-z0-9-]*$/, 'owner must be a kebab-case team name'),
      compatibility: z
        .enum(COMPATIBILITY_LEVELS, {
          error: (issue) =>
            `compatibility must be one of ${COMPATIBILITY_LEVELS.join(', ')}; got ${JSON.stringify(issue.input)}`,
        })
        .default('FULL_TRANSITIVE'),
      key: fieldName('key'),
      tenant: fieldName('tenant'),
      partitions: z.int('partitions must be an integer').min(1, 'partitions must be at least 1').default(3),
      // Kafka's own default retention.ms is 7 days; stating it here keeps topic creation explicit.
      retention: retentionMs.prefault('7d'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? undefined : 'event.yaml must be a mapping of fields',
    },
  )
  .transform(({ retention, ...rest }): EventMetadata => ({ ...rest, retentionMs: retention }));

const KNOWN_FIELDS = Object.keys(eventMetadataSchema.in.shape).join(', ');

export function parseEventMetadata(text: string): EventMetadataResult {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) =>
        yamlProblem(pointerAt(document.contents, error.pos[0]), error.message, lines.linePos(error.pos[0])),
      ),
    };
  }
  const parsed = eventMetadataSchema.safeParse(document.toJS());
  if (parsed.success) return { ok: true, metadata: parsed.data };
  return { ok: false, problems: parsed.error.issues.flatMap(issueProblems) };
}

function retentionToMs(retention: string): number {
  const [, amount, unit] = RETENTION.exec(retention) ?? [];
  // The regex has already admitted the value, so without an amount it is `infinite`.
  if (amount === undefined || unit === undefined) return INFINITE_RETENTION_MS;
  return Number(amount) * RETENTION_UNIT_MS[unit as keyof typeof RETENTION_UNIT_MS];
}

function yamlProblem(pointer: string, message: string, position: { line: number; col: number }): FileProblem {
  return {
    pointer,
    message: `invalid YAML at line ${position.line}, column ${position.col}: ${message}`,
  };
}

/**
 * The JSON pointer of the deepest node of a (possibly partial) YAML document whose source range
 * holds `offset`, e.g. `/owner` for an unclosed `owner: [a` or a duplicated `owner:` key, so the
 * error is reported at the field a reader looks for, not only at a line.
 */
function pointerAt(node: YamlNode | null, offset: number, pointer = ''): string {
  const covers = (n: YamlNode | null | undefined): boolean =>
    n?.range !== undefined && n.range !== null && n.range[0] <= offset && offset <= n.range[2];
  if (isMap(node)) {
    // Last pair first: a node's range ends where the next pair starts, so the later pair wins.
    for (const pair of [...node.items].reverse()) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const value = pair.value as YamlNode | null;
      if (covers(pair.key as YamlNode)) return childPointer(pointer, key);
      if (covers(value)) return pointerAt(value, offset, childPointer(pointer, key));
    }
  } else if (isSeq(node)) {
    const index = node.items.findIndex((item) => covers(item as YamlNode));
    if (index >= 0)
      return pointerAt(node.items[index] as YamlNode, offset, childPointer(pointer, String(index)));
  }
  return pointer;
}

function issueProblems(issue: z.core.$ZodIssue): FileProblem[] {
  const pointer = issue.path.reduce<string>((acc, token) => childPointer(acc, String(token)), '');
  if (issue.code !== 'unrecognized_keys') return [{ pointer, message: issue.message }];
  return issue.keys.map((key) => ({
    pointer: childPointer(pointer, key),
    message: `unknown field "${key}" (allowed: ${KNOWN_FIELDS})`,
  }));
}
