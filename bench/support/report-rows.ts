/**
 * The model of the benchmark report: the benchmarks `npm run bench` runs, and one row per
 * headline measure read from a result JSON (docs/benchmarks/<name>.json; the readers are in
 * report-extractors.ts). One row per measure: Herald's figure, the baseline measured in
 * the same run, their ratio as the benchmark computed it (a median of per-round ratios, so not
 * always Herald ÷ baseline of the medians beside it), and the target where the issue or
 * docs/benchmarks.md states one. Pure: no I/O, so the report can be rebuilt and tested offline.
 */

export interface Quantity {
  value: number;
  unit: string;
}

export interface Baseline extends Quantity {
  what: string;
}

/** A target on the ratio (`ratio ≥ 0.8`) or on Herald's own figure (`p99 ≤ 25 ms`). */
export interface Target {
  on: 'ratio' | 'herald';
  op: '>=' | '<=';
  value: number;
}

export interface Row {
  bench: string;
  measure: string;
  herald: Quantity;
  baseline: Baseline | null;
  ratio: number | null;
  target: Target | null;
  met: boolean | null;
}

export interface BenchSpec {
  name: string;
  /** The file the benchmark writes on a full run, under docs/benchmarks/. */
  file: string;
  /** Long runs, only with --with-extras. */
  extra: boolean;
}

/** Every benchmark, in the order `npm run bench` runs them: the quick CPU-bound ones first. */
export const BENCHES: readonly BenchSpec[] = [
  { name: 'codec', file: 'codec.json', extra: false },
  { name: 'schema-check', file: 'schema-check.json', extra: false },
  { name: 'registry', file: 'registry.json', extra: false },
  { name: 'consumer', file: 'consumer.json', extra: false },
  { name: 'gateway', file: 'gateway.json', extra: false },
  { name: 'audit', file: 'audit.json', extra: false },
  { name: 'analytics', file: 'analytics.json', extra: false },
  { name: 'webhooks', file: 'webhooks.json', extra: false },
  { name: 'gateway-client', file: 'gateway-client.json', extra: true },
  { name: 'scale-out', file: 'scale-out.json', extra: true },
];

export type Json = unknown;

/** The number at a dotted path (`batch.target.ratio`), or undefined when absent or not a number. */
export function numberAt(json: Json, path: string): number | undefined {
  let node: unknown = json;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'number' && Number.isFinite(node) ? node : undefined;
}

export const median = (xs: readonly number[]): number | undefined =>
  xs.length === 0 ? undefined : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function isMet(target: Target | null, herald: number, ratio: number | null): boolean | null {
  if (target === null) return null;
  const value = target.on === 'ratio' ? ratio : herald;
  if (value === null) return null;
  return target.op === '>=' ? value >= target.value : value <= target.value;
}

export interface RowInput {
  measure: string;
  herald: number | undefined;
  unit: string;
  baseline?: { what: string; value: number | undefined; unit?: string };
  ratio?: number | undefined;
  target?: Target | null;
}

/** Builds the rows of one benchmark, leaving out a measure whose figure the JSON lacks. */
export function rowsOf(bench: string, inputs: readonly RowInput[]): Row[] {
  return inputs.flatMap((input) => {
    if (input.herald === undefined) return [];
    const base = input.baseline;
    const baseline =
      base?.value === undefined
        ? null
        : { what: base.what, value: base.value, unit: base.unit ?? input.unit };
    const ratio = input.ratio ?? null;
    const target = input.target ?? null;
    return [
      {
        bench,
        measure: input.measure,
        herald: { value: input.herald, unit: input.unit },
        baseline,
        ratio,
        target,
        met: isMet(target, input.herald, ratio),
      },
    ];
  });
}

export const atLeast = (value: number | undefined): Target | null =>
  value === undefined ? null : { on: 'ratio', op: '>=', value };
export const atMost = (value: number | undefined): Target | null =>
  value === undefined ? null : { on: 'herald', op: '<=', value };

/** The run date a result JSON records (consumer.json: its newest run's). */
export function resultDate(json: Json): string | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const record = json as { date?: unknown; runs?: unknown };
  if (typeof record.date === 'string') return record.date;
  if (Array.isArray(record.runs)) {
    const last: unknown = record.runs[record.runs.length - 1];
    const date = (last as { date?: unknown } | undefined)?.date;
    if (typeof date === 'string') return date;
  }
  return undefined;
}
