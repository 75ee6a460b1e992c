/**
 * A batch's contributions added up in the process before they are written: one count per type,
 * lateness and minute, and one row per metric generation, lateness, minute and group, instead of
 * one array element per event (and per event and metric) for PostgreSQL to parse and group. The
 * profile of the consumption benchmark showed the per-event arrays (timestamps, group JSON and
 * values as text, parsed again by PostgreSQL) as the largest cost of a batch.
 * Exactness is kept: integer values (longs, ints, whole doubles) are added, compared and kept as
 * BigInt; any other value (a fraction, an exponent) is left to PostgreSQL's numeric, as before.
 */
import type { ObservedEvent } from '../domain/observed-event';
import type { MetricRow } from './aggregate-writes';

export interface CountRow {
  readonly type: string;
  readonly late: boolean;
  readonly bucket: number;
  readonly count: number;
}

export function countsOf(events: readonly ObservedEvent[]): CountRow[] {
  const counts = new Map<string, { type: string; late: boolean; bucket: number; count: number }>();
  for (const e of events) {
    const key = `${e.bucket}|${e.late}|${e.type}`;
    const row = counts.get(key);
    if (row === undefined) counts.set(key, { type: e.type, late: e.late, bucket: e.bucket, count: 1 });
    else row.count += 1;
  }
  return [...counts.values()];
}

export interface MetricGroup {
  readonly generation: number;
  readonly late: boolean;
  readonly bucket: number;
  readonly groupKey: string;
  readonly group: Record<string, unknown>;
  /** Events of the group. */
  events: number;
  /** Integer values: how many, their sum, least and greatest (null without any). */
  integers: number;
  sum: bigint;
  min: bigint | null;
  max: bigint | null;
  /** The other values, as decimal text, for PostgreSQL to add. */
  readonly others: string[];
}

const INTEGER = /^-?\d+$/;

export function metricGroupsOf(rows: readonly MetricRow[]): MetricGroup[] {
  const groups = new Map<string, MetricGroup>();
  for (const r of rows) {
    const key = `${r.generation}|${r.late}|${r.bucket}|${r.groupKey}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { ...pick(r), events: 0, integers: 0, sum: 0n, min: null, max: null, others: [] };
      groups.set(key, g);
    }
    g.events += 1;
    if (r.value === null) continue;
    if (!INTEGER.test(r.value)) {
      g.others.push(r.value);
      continue;
    }
    const v = BigInt(r.value);
    g.integers += 1;
    g.sum += v;
    if (g.min === null || v < g.min) g.min = v;
    if (g.max === null || v > g.max) g.max = v;
  }
  return [...groups.values()];
}

function pick(r: MetricRow): Pick<MetricGroup, 'generation' | 'late' | 'bucket' | 'groupKey' | 'group'> {
  return { generation: r.generation, late: r.late, bucket: r.bucket, groupKey: r.groupKey, group: r.group };
}
