/**
 * A Prometheus histogram for the per-record hot path. prom-client's Histogram validates and
 * hashes its labels on every observe() (two observations per record: a large share of the
 * runtime's own cost, docs/benchmarks.md); here a series is resolved once per topic and an
 * observation is a bucket search and three additions. It registers in a prom-client Registry
 * like any metric and renders the same `_bucket`/`_sum`/`_count` lines.
 */
import type { MetricValueWithName, Registry } from 'prom-client';

/** What Registry reads from a metric (prom-client's typings say `type` is a numeric enum; at runtime it is this string). */
export interface HistogramSnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly aggregator: 'sum';
  readonly values: MetricValueWithName<string>[];
}

export class HistogramSeries {
  /** counts[i] = observations in (bounds[i-1], bounds[i]]; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

export class BucketHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /** The histogram of that name already in the registry (two consumers share it), or a new one. */
  static in(registry: Registry, name: string, help: string, bounds: readonly number[]): BucketHistogram {
    const existing = registry.getSingleMetric(name) as unknown;
    if (existing instanceof BucketHistogram) return existing;
    const created = new BucketHistogram(name, help, bounds);
    registry.registerMetric(created as never);
    return created;
  }

  labels(labels: Readonly<Record<string, string>>): HistogramSeries {
    const key = JSON.stringify(Object.entries(labels).sort());
    let series = this.series.get(key);
    if (series === undefined) {
      series = new HistogramSeries(labels, this.bounds);
      this.series.set(key, series);
    }
    return series;
  }

  reset(): void {
    this.series.clear();
  }

  get(): Promise<HistogramSnapshot> {
    const values: MetricValueWithName<string>[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += series.counts[i]!;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...series.labels, le: bound },
          value: cumulative,
        });
      });
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { ...series.labels, le: '+Inf' },
        value: series.count,
      });
      values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: 'histogram',
      aggregator: 'sum',
      values,
    });
  }
}
