/**
 * Declared analytics metrics: the file format (YAML, `metrics:` list) and its validation. One
 * model for the analytics app (checked at boot against the registry's pinned reader version)
 * and for `herald schemas check` (checked against the catalog's version file). A problem names
 * a JSON pointer into the file and, when the text is at hand, its line and column.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** Where the metrics file is, relative to the repository (and the analytics app's working directory). */
export const DEFAULT_METRICS_FILE = 'infra/analytics/metrics.yaml';

export const AGGREGATIONS = ['sum', 'count', 'min', 'max', 'avg'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Names the analytics app serves itself; a declared metric cannot take them. */
export const BUILT_IN_METRICS = ['count', 'late'] as const;

export interface MetricDefinition {
  readonly name: string;
  readonly description: string;
  /** The event type (and topic) the metric reads. */
  readonly type: string;
  /** The pinned reader version: every event is resolved to it before its fields are read. */
  readonly version: number;
  readonly aggregate: Aggregation;
  /** The numeric top-level field; absent only for `count`. */
  readonly field?: string;
  /** Up to two top-level fields the points are grouped by. */
  readonly groupBy: readonly string[];
}

export interface MetricProblem {
  /** RFC 6901 pointer into the metrics file ('' for the whole file). */
  readonly pointer: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface MetricsFile {
  readonly metrics: readonly MetricDefinition[];
  readonly problems: readonly MetricProblem[];
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const EVENT_TYPE = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYS = ['name', 'description', 'type', 'version', 'aggregate', 'field', 'groupBy'];

/** Parses a metrics file's text; every problem is reported, with its position. */
export function parseMetricsFile(text: string): MetricsFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      metrics: [],
      problems: document.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return {
          pointer: '',
          message: `invalid YAML: ${error.message.split('\n')[0] ?? ''}`,
          line,
          column: col,
        };
      }),
    };
  }
  const located = (pointer: string, message: string): MetricProblem => {
    const offset = offsetOf(document.contents, pointer);
    if (offset === undefined) return { pointer, message };
    const { line, col } = lines.linePos(offset);
    return { pointer, message, line, column: col };
  };
  const { metrics, problems } = readMetrics(document.toJS() as unknown);
  return { metrics, problems: problems.map((p) => located(p.pointer, p.message)) };
}

type Problems = Array<{ pointer: string; message: string }>;

function readMetrics(root: unknown): { metrics: MetricDefinition[]; problems: Problems } {
  const problems: Problems = [];
  if (root === null || root === undefined) return { metrics: [], problems };
  if (!isRecord(root) || !('metrics' in root)) {
    problems.push({ pointer: '', message: 'the file must be a mapping with a `metrics:` list' });
    return { metrics: [], problems };
  }
  const list = root['metrics'] ?? [];
  if (!Array.isArray(list)) {
    problems.push({ pointer: '/metrics', message: '`metrics` must be a list of metric definitions' });
    return { metrics: [], problems };
  }
  const metrics: MetricDefinition[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, index) => {
    const metric = readMetric(entry, `/metrics/${index}`, problems);
    if (metric === undefined) return;
    if (seen.has(metric.name)) {
      problems.push({
        pointer: `/metrics/${index}/name`,
        message: `metric "${metric.name}" is declared twice`,
      });
      return;
    }
    seen.add(metric.name);
    metrics.push(metric);
  });
  return { metrics, problems };
}

function readMetric(entry: unknown, at: string, problems: Problems): MetricDefinition | undefined {
  if (!isRecord(entry)) {
    problems.push({
      pointer: at,
      message: 'a metric must be a mapping (name, type, version, aggregate, ...)',
    });
    return undefined;
  }
  const before = problems.length;
  const problem = (key: string, message: string) => problems.push({ pointer: `${at}/${key}`, message });
  for (const key of Object.keys(entry).filter((k) => !KEYS.includes(k)))
    problem(key, `unknown key "${key}" (allowed: ${KEYS.join(', ')})`);
  const { name, description, type, version, aggregate, field, groupBy } = entry;
  if (typeof name !== 'string' || !NAME.test(name))
    problem('name', 'name must be lower case letters, digits and _ (starting with a letter, at most 63)');
  else if ((BUILT_IN_METRICS as readonly string[]).includes(name))
    problem('name', `"${name}" is a built-in metric; choose another name`);
  if (description !== undefined && typeof description !== 'string') problem('description', 'must be text');
  if (typeof type !== 'string' || !EVENT_TYPE.test(type))
    problem('type', 'type must be an event type, <domain>.<entity>.<past-tense-verb>');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    problem('version', 'version must be the pinned reader version, a whole number from 1');
  if (!(AGGREGATIONS as readonly unknown[]).includes(aggregate))
    problem('aggregate', `aggregate must be one of ${AGGREGATIONS.join(', ')}`);
  if (field !== undefined && (typeof field !== 'string' || !FIELD.test(field)))
    problem('field', 'field must be the name of a top-level field of the event');
  if (
    field === undefined &&
    aggregate !== 'count' &&
    (AGGREGATIONS as readonly unknown[]).includes(aggregate)
  )
    problem('aggregate', `aggregate ${JSON.stringify(aggregate)} needs a numeric \`field\``);
  const groups = groupBy ?? [];
  if (
    !Array.isArray(groups) ||
    groups.length > 2 ||
    groups.some((g) => typeof g !== 'string' || !FIELD.test(g))
  )
    problem('groupBy', 'groupBy must be a list of at most two top-level field names');
  else if (new Set(groups).size !== groups.length) problem('groupBy', 'groupBy names a field twice');
  if (problems.length > before) return undefined;
  return {
    name: name as string,
    description: (description as string | undefined) ?? '',
    type: type as string,
    version: version as number,
    aggregate: aggregate as Aggregation,
    ...(field === undefined ? {} : { field: field as string }),
    groupBy: groups as string[],
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The line and column (1-based) a pointer into a metrics file's text lands on, for problems found later (the schema check). */
export function metricsFilePosition(text: string, pointer: string): { line: number; column: number } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  const { line, col } = lines.linePos(offsetOf(document.contents, pointer) ?? 0);
  return { line, column: col };
}

/** The character offset a pointer lands on (the key of a mapping entry), or its nearest ancestor's. */
function offsetOf(root: unknown, pointer: string): number | undefined {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0];
  for (const token of pointer.split('/').slice(1)) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String((item.key as { value?: unknown } | null)?.value) === token,
      );
      if (pair === undefined) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(token)] as Node | undefined;
      if (item === undefined) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset;
}
