/**
 * Kysely types of the analytics schema (analytics-migrations.ts is the source of truth; a column
 * added there is added here). The read side's plain queries use the query builder over these
 * types; the aggregations (date_bin, unnest filters) and the ingest's upserts stay hand-written
 * SQL, one statement each.
 *
 * node-postgres reads `timestamptz` as Date, `jsonb` parsed, and `bigint` and `numeric` as text
 * (so no count or sum is rounded).
 */
import type { ColumnType, Generated } from 'kysely';

type ServerTime = ColumnType<Date, never, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Jsonb<T> = ColumnType<T, string, string>;
/** bigint and numeric: read as text, written as number or text. */
type Exact = ColumnType<string, number | string, number | string>;

export interface EventCountsTable {
  type: string;
  late: boolean;
  bucket: Timestamp;
  count: Exact;
}

export interface MetricGenerationsTable {
  id: Generated<number>;
  metric: string;
  definition: Jsonb<unknown>;
  state: 'building' | 'live';
  created_at: ServerTime;
  switched_at: ColumnType<Date | null, never, Date | string | null>;
  rebuild_owner: string | null;
  rebuild_lease_until: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface MetricPointsTable {
  generation: number;
  late: boolean;
  bucket: Timestamp;
  group_key: string;
  group_values: Jsonb<Record<string, unknown>>;
  events: Exact;
  value_count: Exact;
  sum: Exact;
  min: ColumnType<string | null, number | string | null, number | string | null>;
  max: ColumnType<string | null, number | string | null, number | string | null>;
}

export interface RebuildPositionsTable {
  generation: number;
  topic: string;
  kafka_partition: number;
  next_offset: Exact;
  handoff_offset: Exact;
}

export interface LatencySketchesTable {
  type: string;
  bucket: Timestamp;
  sketch: Buffer;
}

export interface CountedEventsTable {
  scope: number;
  type: string;
  event_id: string;
  counted_at: ServerTime;
}

/** A type, not an interface: `Kysely#withTables` needs its implicit index signature. */
export type AnalyticsDatabase = {
  event_counts: EventCountsTable;
  metric_generations: MetricGenerationsTable;
  metric_points: MetricPointsTable;
  rebuild_positions: RebuildPositionsTable;
  latency_sketches: LatencySketchesTable;
  counted_events: CountedEventsTable;
};
