/**
 * A time-series chart over uPlot: one line per series, x in seconds. A chart is a figure whose
 * canvas is hidden from assistive technology and whose label points at the table beside it,
 * which holds the same numbers. Updating with the same series only swaps the data (cheap);
 * another set of series rebuilds the chart.
 */
import uPlot from './uplot.js';
import type { Range } from './api.js';
import { h } from './dom.js';

export interface Series {
  readonly label: string;
  /** [unix seconds, value] pairs, in any order; a missing x is a gap. */
  readonly points: ReadonlyArray<readonly [number, number | null]>;
}

const COLOURS = ['#1f4e8c', '#c94f00', '#1d6b33', '#8a2b8f', '#a1260d', '#0f6f78', '#6b5a00', '#4f5965'];
const HEIGHT = 220;
const compact = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 2 });

export class TimeChart {
  readonly figure: HTMLElement;
  private readonly area: HTMLDivElement;
  private plot: uPlot | undefined;
  private labels = '';
  /** The x range shown: the chosen range, not the data's extent (a lone point would span years). */
  private span: [number, number] = [0, 1];

  constructor(label: string, tableId: string) {
    this.area = h('div', { class: 'plot', 'aria-hidden': 'true' });
    this.figure = h(
      'figure',
      {
        class: 'chart',
        role: 'img',
        'aria-label': `${label}. The same figures are in the table below.`,
        'aria-describedby': tableId,
      },
      this.area,
      h('figcaption', {}, label),
    );
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(
      this.figure,
    );
  }

  update(series: readonly Series[], unit: string, range: Range): void {
    this.span = [seconds(range.from), seconds(range.to)];
    const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
    const data: uPlot.AlignedData = [
      xs,
      ...series.map((s) => {
        const byX = new Map(s.points);
        return xs.map((x) => byX.get(x) ?? null);
      }),
    ];
    const labels = JSON.stringify([unit, ...series.map((s) => s.label)]);
    if (this.plot !== undefined && labels === this.labels) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.labels = labels;
    this.plot = new uPlot(
      {
        width: this.width(),
        height: HEIGHT,
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length],
            width: 2,
            points: { show: true, size: 4 },
            spanGaps: false,
          })),
        ],
        scales: { x: { time: true, range: () => this.span } },
        axes: [{}, { label: unit, size: 80, values: (_u, splits) => splits.map((v) => compact.format(v)) }],
        cursor: { drag: { x: false, y: false } },
      },
      data,
      this.area,
    );
  }

  private width(): number {
    return Math.max(320, Math.floor(this.figure.clientWidth || 640));
  }
}

export const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
