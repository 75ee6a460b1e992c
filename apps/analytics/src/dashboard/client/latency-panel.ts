/** End-to-end latency: p50, p90 and p99 per event type over the range, and p99 over time. */
import { getJson, rangeQuery, type Latency, type Range } from './api.js';
import { seconds, TimeChart } from './chart.js';
import { count, h, ms, table } from './dom.js';
import { Panel } from './panel.js';

export class LatencyPanel extends Panel {
  private readonly chart = new TimeChart(
    'p99 latency per interval, one line per event type',
    'latency-table',
  );

  async refresh(range: Range, signal: AbortSignal): Promise<void> {
    const body = await getJson<Latency>(
      '/v1/latency',
      { ...rangeQuery(range), quantiles: '0.5,0.9,0.99' },
      signal,
    );
    const types = [...body.types].sort((a, b) => a.type.localeCompare(b.type));
    this.show([range.interval, types], () =>
      types.length === 0
        ? [h('p', {}, 'No events counted in this range.')]
        : [
            this.chart.figure,
            table(
              'Latency per event type over the range',
              [
                { label: 'Event type', cell: (t) => h('span', { class: 'wrap' }, t.type) },
                { label: 'Events', numeric: true, cell: (t) => count(t.count) },
                { label: 'p50', numeric: true, cell: (t) => ms(t.quantiles['p50']) },
                { label: 'p90', numeric: true, cell: (t) => ms(t.quantiles['p90']) },
                { label: 'p99', numeric: true, cell: (t) => ms(t.quantiles['p99']) },
              ],
              types,
              'latency-table',
            ),
          ],
    );
    if (types.length > 0) {
      this.chart.update(
        types.map((t) => ({
          label: t.type,
          points: t.points.map((p) => [seconds(p.start), p.quantiles['p99'] ?? null] as const),
        })),
        'ms (p99)',
        range,
      );
    }
  }
}
