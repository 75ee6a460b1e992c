/**
 * The read side: minute rows summed (or min/max'd) into the requested interval with date_bin
 * from the epoch, so an hour is exactly its sixty minutes; sketches are returned for merging.
 */
import { sql, type Kysely } from 'kysely';
import type { Interval, TimeRange } from '../domain/stats-request';
import type { AnalyticsDatabase } from './analytics-tables';

const step = (interval: Interval): string => (interval === 'hour' ? '1 hour' : '1 minute');
const iso = (millis: number): string => new Date(millis).toISOString();

export interface MetricPointRow {
  readonly start: Date;
  readonly group_values: Record<string, unknown>;
  readonly events: string;
  readonly value_count: string;
  readonly sum: string;
  readonly min: string | null;
  readonly max: string | null;
}

export class StatsReader {
  constructor(private readonly db: Kysely<AnalyticsDatabase>) {}

  async counts(
    type: string,
    late: boolean,
    range: TimeRange,
  ): Promise<Array<{ start: Date; count: string }>> {
    const { rows } = await sql<{ start: Date; count: string }>`
      SELECT date_bin(${step(range.interval)}::interval, bucket, timestamptz 'epoch') AS start, sum(count)::text AS count
      FROM event_counts
      WHERE type = ${type} AND late = ${late} AND bucket >= ${iso(range.from)}::timestamptz AND bucket < ${iso(range.to)}::timestamptz
      GROUP BY 1 ORDER BY 1`.execute(this.db);
    return rows;
  }

  async throughput(range: TimeRange): Promise<Array<{ type: string; start: Date; count: string }>> {
    const { rows } = await sql<{ type: string; start: Date; count: string }>`
      SELECT type, date_bin(${step(range.interval)}::interval, bucket, timestamptz 'epoch') AS start, sum(count)::text AS count
      FROM event_counts
      WHERE late = false AND bucket >= ${iso(range.from)}::timestamptz AND bucket < ${iso(range.to)}::timestamptz
      GROUP BY 1, 2 ORDER BY 1, 2`.execute(this.db);
    return rows;
  }

  async metricPoints(
    generation: number,
    late: boolean,
    range: TimeRange,
    group: Readonly<Record<string, string>>,
  ): Promise<MetricPointRow[]> {
    // Group filters compare the value's text form, so `group=items:3` matches the number 3.
    const filters = Object.entries(group);
    const { rows } = await sql<MetricPointRow>`
      SELECT date_bin(${step(range.interval)}::interval, bucket, timestamptz 'epoch') AS start,
        (array_agg(group_values))[1] AS group_values, sum(events)::text AS events,
        sum(value_count)::text AS value_count, sum(sum)::text AS sum, min(min)::text AS min, max(max)::text AS max
      FROM metric_points
      WHERE generation = ${generation} AND late = ${late}
        AND bucket >= ${iso(range.from)}::timestamptz AND bucket < ${iso(range.to)}::timestamptz
        AND (SELECT bool_and(group_values ->> f.name IS NOT DISTINCT FROM f.value)
             FROM unnest(${filters.map(([name]) => name)}::text[], ${filters.map(([, value]) => value)}::text[])
               AS f(name, value)) IS NOT false
      GROUP BY 1, group_key ORDER BY 1, group_key`.execute(this.db);
    return rows;
  }

  async sketches(
    range: TimeRange,
    type?: string,
  ): Promise<Array<{ type: string; bucket: Date; sketch: Buffer }>> {
    return this.db
      .selectFrom('latency_sketches')
      .select(['type', 'bucket', 'sketch'])
      .$if(type !== undefined, (query) => query.where('type', '=', type as string))
      .where('bucket', '>=', new Date(range.from))
      .where('bucket', '<', new Date(range.to))
      .orderBy('type')
      .orderBy('bucket')
      .execute();
  }

  async types(): Promise<string[]> {
    const rows = await this.db.selectFrom('event_counts').select('type').distinct().orderBy('type').execute();
    return rows.map((r) => r.type);
  }
}
