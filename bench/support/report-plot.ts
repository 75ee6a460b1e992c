/**
 * The latency plot of the benchmark report (docs/benchmarks/latency.svg): bars per percentile for
 * the gateway at 1,000 events/s (its Fastify → Kafka floor, generated ids, client ids) and the
 * webhooks' publish → delivered latency. Built as a Vega-Lite spec and rendered headless by Vega
 * (no canvas needed for SVG).
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import { numberAt } from './report-rows';

export interface LatencyPoint {
  series: string;
  percentile: string;
  ms: number;
}

const PERCENTILES = [
  ['p50', 'p50Ms'],
  ['p90', 'p90Ms'],
  ['p99', 'p99Ms'],
  ['max', 'maxMs'],
] as const;

function pointsOf(series: string, json: unknown, prefix: string): LatencyPoint[] {
  return PERCENTILES.flatMap(([percentile, key]) => {
    const ms = numberAt(json, `${prefix}.${key}`);
    return ms === undefined ? [] : [{ series, percentile, ms }];
  });
}

/** The plotted points from gateway.json and webhooks.json (either may be missing). */
export function latencyPoints(gateway: unknown, webhooks: unknown): LatencyPoint[] {
  return [
    ...pointsOf('gateway floor (Fastify → Kafka), 1,000/s', gateway, 'latency.floor'),
    ...pointsOf('gateway, generated ids, 1,000/s', gateway, 'latency'),
    ...pointsOf('gateway, client ids, 1,000/s', gateway, 'latency.clientIds'),
    ...pointsOf('webhooks publish → delivered, 500/s', webhooks, 'latency'),
  ];
}

export function latencySpec(points: readonly LatencyPoint[], subtitle: string): TopLevelSpec {
  const series = [...new Set(points.map((p) => p.series))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Latency by percentile (log scale)', subtitle },
    width: 560,
    height: 300,
    data: { values: points.map((p) => ({ ...p })) },
    encoding: {
      x: {
        field: 'percentile',
        type: 'nominal',
        sort: PERCENTILES.map(([p]) => p),
        title: null,
        axis: { labelAngle: 0 },
      },
      xOffset: { field: 'series', type: 'nominal', sort: series },
      // Not stacked: each bar is one series' own figure; a log scale keeps p50s of 2 ms and maxima of 100 ms legible.
      y: { field: 'ms', type: 'quantitative', stack: null, scale: { type: 'log' }, title: 'milliseconds' },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        sort: series,
        legend: { orient: 'bottom', columns: 1, labelLimit: 400 },
      },
    },
    layer: [
      { mark: 'bar' },
      {
        mark: { type: 'text', dy: -5, fontSize: 9 },
        encoding: { text: { field: 'ms', type: 'quantitative', format: '.3~r' } },
      },
    ],
  };
}

export async function renderLatencySvg(points: readonly LatencyPoint[], subtitle: string): Promise<string> {
  const view = new View(parse(compile(latencySpec(points, subtitle)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
