/**
 * Reads a declared metric's inputs from an event resolved to the metric's reader version (an
 * avsc record: BigInt longs, unions wrapped as `{branch: value}`): the numeric value as exact
 * decimal text for PostgreSQL's numeric (null when absent or not finite: aggregates skip it),
 * and the group values as JSON.
 */
import type { MetricDefinition } from '@app/analytics';

export interface MetricInput {
  /** Decimal text, or null when the field is null or not a finite number. */
  readonly value: string | null;
  /** `{"<field>": <JSON value>}` for each group field. */
  readonly group: Record<string, unknown>;
  /** The group values as one key (JSON array text): the row's identity. */
  readonly groupKey: string;
}

function unwrap(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) return unwrap((value as Record<string, unknown>)[keys[0]!]);
  }
  return value;
}

function toJson(value: unknown): unknown {
  const plain = unwrap(value);
  if (typeof plain === 'bigint') {
    return plain >= BigInt(Number.MIN_SAFE_INTEGER) && plain <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(plain)
      : plain.toString();
  }
  return plain ?? null;
}

function toDecimal(value: unknown): string | null {
  const plain = unwrap(value);
  if (typeof plain === 'bigint') return plain.toString();
  if (typeof plain === 'number' && Number.isFinite(plain)) return String(plain);
  return null;
}

export function metricInput(metric: MetricDefinition, record: unknown): MetricInput {
  const fields = (record ?? {}) as Record<string, unknown>;
  const group: Record<string, unknown> = {};
  const values = metric.groupBy.map((name) => (group[name] = toJson(fields[name])));
  return {
    value: metric.field === undefined ? null : toDecimal(fields[metric.field]),
    group,
    groupKey: JSON.stringify(values),
  };
}
