/**
 * The aggregate writes of one batch, each one statement over arrays (unnest), grouped in SQL and
 * added to the stored rows (ON CONFLICT DO UPDATE). Rows are written in key order, so two
 * instances adding to the same minutes lock them in the same order and cannot deadlock.
 * PostgreSQL's numeric keeps sums of longs exact.
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import type { ObservedEvent } from '../domain/observed-event';

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
  await sql`
    INSERT INTO event_counts AS c (type, late, bucket, count)
    SELECT t, l, b, count(*) FROM unnest(
      ${events.map((e) => e.type)}::text[], ${events.map((e) => e.late)}::boolean[],
      ${events.map((e) => iso(e.bucket))}::timestamptz[]) AS x(t, l, b)
    GROUP BY t, l, b ORDER BY t, l, b
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

export async function addMetricRows(tx: QueryExecutorProvider, rows: readonly MetricRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO metric_points AS p
      (generation, late, bucket, group_key, group_values, events, value_count, sum, min, max)
    SELECT g, l, b, k, (array_agg(gv))[1], count(*), count(v), coalesce(sum(v), 0), min(v), max(v)
    FROM unnest(
      ${rows.map((r) => r.generation)}::int[], ${rows.map((r) => r.late)}::boolean[],
      ${rows.map((r) => iso(r.bucket))}::timestamptz[], ${rows.map((r) => r.groupKey)}::text[],
      ${rows.map((r) => JSON.stringify(r.group))}::jsonb[], ${rows.map((r) => r.value)}::numeric[])
      AS x(g, l, b, k, gv, v)
    GROUP BY g, l, b, k ORDER BY g, l, b, k
    ON CONFLICT (generation, late, bucket, group_key) DO UPDATE SET
      events = p.events + excluded.events,
      value_count = p.value_count + excluded.value_count,
      sum = p.sum + excluded.sum,
      min = least(p.min, excluded.min),
      max = greatest(p.max, excluded.max)`.execute(tx);
}
