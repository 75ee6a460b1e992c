/**
 * The aggregate writes of one batch, each one statement over arrays (unnest) of the batch's
 * contributions added up in the process (batch-aggregates.ts), added to the stored rows (ON
 * CONFLICT DO UPDATE). Rows are written in key order, so two
 * instances adding to the same minutes lock them in the same order and cannot deadlock.
 * PostgreSQL's numeric keeps sums of longs exact.
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import type { ObservedEvent } from '../domain/observed-event';
import { countsOf, metricGroupsOf } from './batch-aggregates';

const iso = (millis: number): string => new Date(millis).toISOString();

/** PostgreSQL text cannot hold NUL: an id with one is kept in its JSON form (still one key per id). */
const storable = (text: string): string => (text.includes('\u0000') ? `json:${JSON.stringify(text)}` : text);

/** The events among `events` not counted yet in `scope` (recording their ids); duplicates inside the batch count once. */
export async function claimFresh(
  tx: QueryExecutorProvider,
  scope: number,
  events: readonly ObservedEvent[],
): Promise<ObservedEvent[]> {
  if (events.length === 0) return [];
  const keyOf = (type: string, id: string): string => JSON.stringify([type, id]);
  const keys = events.map((e) => keyOf(storable(e.type), storable(e.id)));
  // Sorted, so two transactions claiming the same ids lock them in the same order.
  const unique = [...new Set(keys)].sort().map((k) => JSON.parse(k) as [string, string]);
  const { rows } = await sql<{ type: string; event_id: string }>`
    INSERT INTO counted_events (scope, type, event_id)
    SELECT ${scope}::int, t, i FROM unnest(${unique.map(([t]) => t)}::text[], ${unique.map(([, i]) => i)}::text[]) AS x(t, i)
    ON CONFLICT DO NOTHING
    RETURNING type, event_id`.execute(tx);
  const claimed = new Set(rows.map((r) => keyOf(r.type, r.event_id)));
  return events.filter((_, i) => claimed.delete(keys[i]!));
}

export async function addCounts(tx: QueryExecutorProvider, events: readonly ObservedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const counts = countsOf(events);
  await sql`
    INSERT INTO event_counts AS c (type, late, bucket, count)
    SELECT t, l, b, n FROM unnest(
      ${counts.map((c) => c.type)}::text[], ${counts.map((c) => c.late)}::boolean[],
      ${counts.map((c) => iso(c.bucket))}::timestamptz[], ${counts.map((c) => c.count)}::bigint[]) AS x(t, l, b, n)
    ORDER BY t, l, b
    ON CONFLICT (type, late, bucket) DO UPDATE SET count = c.count + excluded.count`.execute(tx);
}

/** One event's contribution to one generation of a declared metric. */
export interface MetricRow {
  readonly generation: number;
  readonly late: boolean;
  readonly bucket: number;
  readonly groupKey: string;
  readonly group: Record<string, unknown>;
  readonly value: string | null;
}

/**
 * Each group's row: its events and integer figures added up in the process, its other values
 * (`o`, by the group's ordinal) added by PostgreSQL; least/greatest skip the side without values.
 */
export async function addMetricRows(tx: QueryExecutorProvider, rows: readonly MetricRow[]): Promise<void> {
  if (rows.length === 0) return;
  const groups = metricGroupsOf(rows);
  const others = groups.flatMap((g, i) => g.others.map((v) => [i + 1, v] as const));
  const text = (v: bigint | null) => (v === null ? null : v.toString());
  await sql`
    INSERT INTO metric_points AS p
      (generation, late, bucket, group_key, group_values, events, value_count, sum, min, max)
    SELECT g, l, b, k, gv, n, c + count(o.v), s + coalesce(sum(o.v), 0), least(mn, min(o.v)), greatest(mx, max(o.v))
    FROM unnest(
      ${groups.map((g) => g.generation)}::int[], ${groups.map((g) => g.late)}::boolean[],
      ${groups.map((g) => iso(g.bucket))}::timestamptz[], ${groups.map((g) => g.groupKey)}::text[],
      ${groups.map((g) => JSON.stringify(g.group))}::jsonb[], ${groups.map((g) => g.events)}::bigint[],
      ${groups.map((g) => g.integers)}::bigint[], ${groups.map((g) => g.sum.toString())}::numeric[],
      ${groups.map((g) => text(g.min))}::numeric[], ${groups.map((g) => text(g.max))}::numeric[])
      WITH ORDINALITY AS x(g, l, b, k, gv, n, c, s, mn, mx, i)
    LEFT JOIN unnest(${others.map(([i]) => i)}::int[], ${others.map(([, v]) => v)}::numeric[]) AS o(i, v) ON o.i = x.i
    GROUP BY x.i, g, l, b, k, gv, n, c, s, mn, mx
    ORDER BY g, l, b, k
    ON CONFLICT (generation, late, bucket, group_key) DO UPDATE SET
      events = p.events + excluded.events,
      value_count = p.value_count + excluded.value_count,
      sum = p.sum + excluded.sum,
      min = least(p.min, excluded.min),
      max = greatest(p.max, excluded.max)`.execute(tx);
}
