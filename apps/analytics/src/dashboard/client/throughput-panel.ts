/** Throughput: on-time events per interval of every event type, as a chart and a table of totals. */
import { getJson, rangeQuery, type Range, type Throughput } from './api.js';
import { seconds, TimeChart } from './chart.js';
import { count, h, table } from './dom.js';
import { Panel } from './panel.js';

export class ThroughputPanel extends Panel {
  private readonly chart = new TimeChart('Events per interval, one line per event type', 'throughput-table');

  async refresh(range: Range, signal: AbortSignal): Promise<void> {
    const body = await getJson<Throughput>('/v1/throughput', rangeQuery(range), signal);
    const types = [...body.types].sort((a, b) => a.type.localeCompare(b.type));
    this.show([range.interval, types], () =>
      types.length === 0
        ? [h('p', {}, 'No events in this range.')]
        : [
            this.chart.figure,
            table(
              `Events per event type, ${range.interval === 'minute' ? 'last hour' : 'last 24 hours'}`,
              [
                { label: 'Event type', cell: (t) => h('span', { class: 'wrap' }, t.type) },
                { label: 'Events in range', numeric: true, cell: (t) => count(t.total) },
                {
                  label: `Latest ${range.interval}`,
                  numeric: true,
                  cell: (t) => count(t.points.at(-1)?.value),
                },
              ],
              types,
              'throughput-table',
            ),
          ],
    );
    if (types.length > 0) {
      this.chart.update(
        types.map((t) => ({
          label: t.type,
          points: t.points.map((p) => [seconds(p.start), p.value] as const),
        })),
        `events / ${range.interval}`,
        range,
      );
    }
  }
}
