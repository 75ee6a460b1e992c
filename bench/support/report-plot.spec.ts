import { latencyPoints, renderLatencySvg } from './report-plot';

describe('latency plot', () => {
  const gateway = {
    latency: {
      p50Ms: 2.06,
      p90Ms: 4.59,
      p99Ms: 19.9,
      maxMs: 68.09,
      clientIds: { p50Ms: 2.74, p90Ms: 6.17, p99Ms: 16.14, maxMs: 53.62 },
      floor: { p50Ms: 1.71, p90Ms: 2.53, p99Ms: 6.81, maxMs: 24 },
    },
  };
  const webhooks = { latency: { p50Ms: 29.24, p90Ms: 45.14, p99Ms: 76.52 } };

  it('takes every percentile each JSON has, per series', () => {
    const points = latencyPoints(gateway, webhooks);
    expect(points).toHaveLength(15);
    expect(points.filter((p) => p.series.startsWith('webhooks')).map((p) => [p.percentile, p.ms])).toEqual([
      ['p50', 29.24],
      ['p90', 45.14],
      ['p99', 76.52],
    ]);
    expect(latencyPoints(undefined, webhooks)).toHaveLength(3);
  });

  it('renders one bar per point as SVG', async () => {
    const svg = await renderLatencySvg(latencyPoints(gateway, webhooks), 'test');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path aria-label="percentile: /g)).toHaveLength(15);
  });
});
