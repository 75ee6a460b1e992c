/**
 * The read use cases of the API: time series of the built-in count and of declared metrics,
 * throughput of every type, latency percentiles, and the list of metrics with their state.
 */
import type { Kysely } from 'kysely';
import type { MetricDefinition } from '@app/analytics';
import {
  activeGenerations,
  definitionKey,
  rebuildPositions,
  type Generation,
} from '../storage/generation-store';
import type { MetricPointRow, StatsReader } from '../storage/stats-reader';
import { MetricNotReadyError, UnknownMetricError, InvalidAnalyticsRequestError } from './analytics-errors';
import { mergeAll, sketchFrom, summarize, type LatencySummary } from './latency-sketch';
import {
  intervalMs,
  parseLatencyRequest,
  parseRangeOnly,
  parseStatsRequest,
  type Interval,
} from './stats-request';

type DDSketchValue = ReturnType<typeof sketchFrom>;

export interface StatsPoint {
  readonly start: string;
  readonly value: number;
  readonly group?: Record<string, unknown>;
}

export interface StatsSeries {
  readonly type: string;
  readonly metric: string;
  readonly interval: Interval;
  readonly late: boolean;
  readonly points: StatsPoint[];
}

export interface RebuildProgress {
  readonly generation: number;
  /** Offsets read and to read before the handoff, over every partition. */
  readonly done: number;
  readonly total: number;
}

export interface MetricView {
  readonly name: string;
  readonly builtIn: boolean;
  readonly description: string;
  readonly type?: string;
  readonly version?: number;
  readonly aggregate: string;
  readonly field?: string;
  readonly groupBy: readonly string[];
  /** live: served; building: its rebuild runs; pending: not computed (needs `herald analytics rebuild`). */
  readonly state: 'live' | 'building' | 'pending';
  /** Set while the served numbers come from an earlier definition of this name. */
  readonly servingPreviousDefinition?: boolean;
  readonly rebuild?: RebuildProgress;
}

const BUILT_IN: MetricView = {
  name: 'count',
  builtIn: true,
  description: 'Events per type, by event time (ce_time); late=true gives the late ones, by arrival minute.',
  aggregate: 'count',
  groupBy: [],
  state: 'live',
};

function valueOf(aggregate: MetricDefinition['aggregate'], row: MetricPointRow): number | undefined {
  switch (aggregate) {
    case 'count':
      return Number(row.events);
    case 'sum':
      return Number(row.sum);
    case 'min':
      return row.min === null ? undefined : Number(row.min);
    case 'max':
      return row.max === null ? undefined : Number(row.max);
    case 'avg':
      return Number(row.value_count) === 0 ? undefined : Number(row.sum) / Number(row.value_count);
  }
}

export class AnalyticsQueries {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly reader: StatsReader,
    private readonly declared: readonly MetricDefinition[],
    private readonly now: () => number = Date.now,
  ) {}

  async stats(query: Record<string, unknown>): Promise<StatsSeries> {
    const request = parseStatsRequest(query, this.now());
    if (request.metric === 'count') {
      if (Object.keys(request.group).length > 0)
        throw new InvalidAnalyticsRequestError([
          { path: '/group', message: 'the count metric has no groups' },
        ]);
      const rows = await this.reader.counts(request.type!, request.late, request);
      const points = rows.map((r) => ({ start: r.start.toISOString(), value: Number(r.count) }));
      return { type: request.type!, metric: 'count', interval: request.interval, late: request.late, points };
    }
    const definition = this.declared.find((d) => d.name === request.metric);
    if (definition === undefined) throw new UnknownMetricError(request.metric);
    if (request.type !== undefined && request.type !== definition.type)
      throw new InvalidAnalyticsRequestError([
        {
          path: '/type',
          message: `metric ${definition.name} is about ${definition.type}, not ${request.type}`,
        },
      ]);
    const unknownGroup = Object.keys(request.group).find((f) => !definition.groupBy.includes(f));
    if (unknownGroup !== undefined)
      throw new InvalidAnalyticsRequestError([
        { path: '/group', message: `metric ${definition.name} is not grouped by ${unknownGroup}` },
      ]);
    const live = (await activeGenerations(this.db, definition.type)).find(
      (g) => g.metric === definition.name && g.state === 'live',
    );
    if (live === undefined) throw new MetricNotReadyError(definition.name);
    const rows = await this.reader.metricPoints(live.id, request.late, request, request.group);
    const points: StatsPoint[] = [];
    for (const row of rows) {
      const value = valueOf(live.definition.aggregate, row);
      if (value === undefined) continue;
      const start = row.start.toISOString();
      points.push(
        live.definition.groupBy.length === 0 ? { start, value } : { start, value, group: row.group_values },
      );
    }
    return {
      type: definition.type,
      metric: definition.name,
      interval: request.interval,
      late: request.late,
      points,
    };
  }

  async throughput(query: Record<string, unknown>) {
    const range = parseRangeOnly(query, this.now());
    const rows = await this.reader.throughput(range);
    const byType = new Map<string, { type: string; total: number; points: StatsPoint[] }>();
    for (const row of rows) {
      let entry = byType.get(row.type);
      if (entry === undefined) byType.set(row.type, (entry = { type: row.type, total: 0, points: [] }));
      entry.total += Number(row.count);
      entry.points.push({ start: row.start.toISOString(), value: Number(row.count) });
    }
    return {
      interval: range.interval,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      types: [...byType.values()],
    };
  }

  async latency(query: Record<string, unknown>) {
    const request = parseLatencyRequest(query, this.now());
    const rows = await this.reader.sketches(request, request.type);
    const step = intervalMs(request.interval);
    const byType = new Map<string, Map<number, DDSketchValue[]>>();
    for (const row of rows) {
      let buckets = byType.get(row.type);
      if (buckets === undefined) byType.set(row.type, (buckets = new Map<number, DDSketchValue[]>()));
      const start = Math.floor(row.bucket.getTime() / step) * step;
      const list = buckets.get(start) ?? [];
      list.push(sketchFrom(row.sketch));
      buckets.set(start, list);
    }
    const types = [...byType].map(([type, buckets]) => {
      const points = [...buckets].map(([start, sketches]) => ({
        start: new Date(start).toISOString(),
        ...this.summary(mergeAll(sketches), request.quantiles),
      }));
      const all = mergeAll([...buckets.values()].flat());
      return { type, ...this.summary(all, request.quantiles), points };
    });
    return {
      interval: request.interval,
      from: new Date(request.from).toISOString(),
      to: new Date(request.to).toISOString(),
      unit: 'ms',
      quantiles: request.quantiles,
      types,
    };
  }

  private summary(sketch: ReturnType<typeof sketchFrom>, quantiles: readonly number[]): LatencySummary {
    return summarize(sketch, quantiles);
  }

  async metrics(): Promise<{ metrics: MetricView[] }> {
    const generations = await activeGenerations(this.db);
    const views: MetricView[] = [BUILT_IN];
    for (const d of this.declared) {
      const mine = generations.filter((g) => g.metric === d.name);
      const current = mine.find((g) => definitionKey(g.definition) === definitionKey(d));
      const live = mine.find((g) => g.state === 'live');
      const view: MetricView = {
        name: d.name,
        builtIn: false,
        description: d.description,
        type: d.type,
        version: d.version,
        aggregate: d.aggregate,
        ...(d.field === undefined ? {} : { field: d.field }),
        groupBy: d.groupBy,
        state: current?.state ?? 'pending',
        ...(live !== undefined && live !== current ? { servingPreviousDefinition: true } : {}),
        ...(current?.state === 'building' ? { rebuild: await this.progress(current) } : {}),
      };
      views.push(view);
    }
    return { metrics: views };
  }

  async metric(name: string): Promise<MetricView> {
    const found = (await this.metrics()).metrics.find((m) => m.name === name);
    if (found === undefined) throw new UnknownMetricError(name);
    return found;
  }

  private async progress(generation: Generation): Promise<RebuildProgress> {
    const positions = await rebuildPositions(this.db, generation.id);
    const total = positions.reduce((sum, p) => sum + Number(p.handoffOffset), 0);
    const done = positions.reduce(
      (sum, p) => sum + Math.min(Number(p.nextOffset), Number(p.handoffOffset)),
      0,
    );
    return { generation: generation.id, done, total };
  }
}
