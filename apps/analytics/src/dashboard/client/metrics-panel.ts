/**
 * The declared metrics: for each, what it is, a chart with one line per group, and a table with
 * each group's figure over the range and in the latest interval. A metric still being computed
 * (409) shows its progress instead.
 */
import { ApiError, getJson, rangeQuery, type MetricInfo, type Point, type Range, type Stats } from './api.js';
import { seconds, TimeChart } from './chart.js';
import { amount, count, facts, h, table, type Child } from './dom.js';
import { Panel } from './panel.js';

interface GroupRow {
  readonly group: string;
  readonly points: Point[];
}

type Figures = { readonly metric: MetricInfo; readonly points: readonly Point[] | null };

const groupLabel = (point: Point): string =>
  point.group === undefined || Object.keys(point.group).length === 0
    ? 'all events'
    : Object.entries(point.group)
        .map(([field, value]) => `${field} = ${value === null ? 'null' : String(value)}`)
        .join(', ');

/** A group's figure over the whole range, where the aggregate allows one from interval values. */
function overRange(aggregate: string | undefined, points: readonly Point[]): number | null {
  const values = points.map((p) => p.value);
  if (values.length === 0) return null;
  if (aggregate === 'sum' || aggregate === 'count') return values.reduce((a, b) => a + b, 0);
  if (aggregate === 'min') return Math.min(...values);
  if (aggregate === 'max') return Math.max(...values);
  return null; // an average of averages would be wrong: the intervals weigh differently
}

function groups(points: readonly Point[]): GroupRow[] {
  const byGroup = new Map<string, Point[]>();
  for (const point of points) {
    const label = groupLabel(point);
    byGroup.set(label, [...(byGroup.get(label) ?? []), point]);
  }
  return [...byGroup]
    .map(([group, list]) => ({ group, points: list }))
    .sort((a, b) => a.group.localeCompare(b.group));
}

export class MetricsPanel extends Panel {
  private readonly charts = new Map<string, TimeChart>();

  async refresh(range: Range, signal: AbortSignal): Promise<void> {
    const { metrics } = await getJson<{ metrics: MetricInfo[] }>('/v1/metrics', {}, signal);
    const declared = metrics.filter((m) => !m.builtIn);
    const figures: Figures[] = await Promise.all(
      declared.map(async (metric) => {
        try {
          const stats = await getJson<Stats>(
            '/v1/stats',
            { metric: metric.name, ...rangeQuery(range) },
            signal,
          );
          return { metric, points: stats.points };
        } catch (error) {
          if (error instanceof ApiError && error.status === 409) return { metric, points: null };
          throw error;
        }
      }),
    );
    this.show([range.interval, figures], () =>
      figures.length === 0
        ? [h('p', {}, 'No metrics are declared.')]
        : figures.flatMap((f) => this.render(f, range)),
    );
    for (const f of figures) {
      if (f.points === null || f.points.length === 0) continue;
      this.chart(f.metric.name).update(
        groups(f.points).map((g) => ({
          label: g.group,
          points: g.points.map((p) => [seconds(p.start), p.value] as const),
        })),
        `${f.metric.aggregate ?? ''} / ${range.interval}`,
        range,
      );
    }
  }

  private chart(name: string): TimeChart {
    let chart = this.charts.get(name);
    if (chart === undefined) {
      chart = new TimeChart(`${name} per interval, one line per group`, `metric-${name}-table`);
      this.charts.set(name, chart);
    }
    return chart;
  }

  private render({ metric, points }: Figures, range: Range): Child[] {
    const what = metric.field ? `${metric.aggregate}(${metric.field})` : String(metric.aggregate);
    const about = facts([
      ['Event type', `${metric.type ?? '—'} (read as v${metric.version ?? '?'})`],
      ['Aggregate', what],
      ['Grouped by', metric.groupBy && metric.groupBy.length > 0 ? metric.groupBy.join(', ') : '—'],
    ]);
    const head: Child[] = [
      h('h3', {}, metric.name),
      metric.description ? h('p', {}, metric.description) : null,
      about,
    ];
    if (points === null) {
      const progress = metric.rebuild
        ? ` (${count(metric.rebuild.done)} of ${count(metric.rebuild.total)} records)`
        : '';
      return [...head, h('p', {}, `Being computed from history${progress}.`)];
    }
    if (points.length === 0) return [...head, h('p', {}, 'No values in this range.')];
    const label =
      metric.aggregate === 'sum' || metric.aggregate === 'count'
        ? 'Total in range'
        : `${metric.aggregate} in range`;
    return [
      ...head,
      this.chart(metric.name).figure,
      table(
        `${metric.name} per group`,
        [
          { label: 'Group', cell: (g) => h('span', { class: 'wrap' }, g.group) },
          { label, numeric: true, cell: (g) => amount(overRange(metric.aggregate, g.points)) },
          { label: `Latest ${range.interval}`, numeric: true, cell: (g) => amount(g.points.at(-1)?.value) },
        ],
        groups(points),
        `metric-${metric.name}-table`,
      ),
    ];
  }
}
