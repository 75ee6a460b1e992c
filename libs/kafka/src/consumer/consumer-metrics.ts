/**
 * Prometheus metrics of the consumer runtime (prefix `herald_consumer_`), registered in the
 * app's own prom-client Registry (libs/platform MetricsService.registry) or a private one.
 * Labels are group/topic(/partition): bounded by the topics a group reads, never per event.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { BucketHistogram, type HistogramSeries } from './bucket-histogram';

type Labels = 'group' | 'topic';

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** One set of label children per topic, looked up once per batch instead of per message. */
export interface TopicMetrics {
  readonly processed: Counter.Internal;
  readonly ignored: Counter.Internal;
  readonly deadLettered: Counter.Internal;
  readonly handlerSeconds: HistogramSeries;
  readonly endToEndSeconds: HistogramSeries;
  failed(retriable: boolean): Counter.Internal;
  lag(partition: number, value: number): void;
}

/** An existing metric of the same name (two consumers in one registry share it), or a new one. */
function reuse<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export class ConsumerMetrics {
  private readonly processed: Counter<Labels>;
  private readonly ignored: Counter<Labels>;
  private readonly failedAttempts: Counter<Labels | 'retriable'>;
  private readonly deadLettered: Counter<Labels>;
  private readonly lag: Gauge<Labels | 'partition'>;
  private readonly runningGauge: Gauge<'group'>;
  private readonly handlerSeconds: BucketHistogram;
  private readonly endToEndSeconds: BucketHistogram;
  private readonly byTopic = new Map<string, TopicMetrics>();

  constructor(
    readonly registry: Registry,
    private readonly group: string,
  ) {
    const registers = [registry];
    const labelNames: Labels[] = ['group', 'topic'];
    const counter = (name: string, help: string) =>
      reuse(registry, name, () => new Counter({ name, help, labelNames, registers }));
    const histogram = (name: string, help: string) =>
      BucketHistogram.in(registry, name, help, LATENCY_BUCKETS);
    this.processed = counter('herald_consumer_events_processed_total', 'Events whose handler succeeded');
    this.ignored = counter('herald_consumer_events_ignored_total', 'Events committed without a handler');
    this.deadLettered = counter('herald_consumer_events_dead_lettered_total', 'Events sent to the DLQ');
    this.failedAttempts = reuse(
      registry,
      'herald_consumer_event_failures_total',
      () =>
        new Counter({
          name: 'herald_consumer_event_failures_total',
          help: 'Failed delivery attempts (decode or handler), by whether they were retriable',
          labelNames: ['group', 'topic', 'retriable'],
          registers,
        }),
    );
    this.lag = reuse(
      registry,
      'herald_consumer_lag',
      () =>
        new Gauge({
          name: 'herald_consumer_lag',
          help: "Records between the group's next offset to process and the partition's high watermark (updated while stalled too)",
          labelNames: ['group', 'topic', 'partition'],
          registers,
        }),
    );
    this.runningGauge = reuse(
      registry,
      'herald_consumer_running',
      () =>
        new Gauge({
          name: 'herald_consumer_running',
          help: '1 while the consumer runs in its group (readiness up), 0 while it is stopped, crashed, restarting or out of its group past the grace',
          labelNames: ['group'],
          registers,
        }),
    );
    this.runningGauge.set({ group }, 0);
    this.handlerSeconds = histogram(
      'herald_consumer_handler_duration_seconds',
      'Handler run time per attempt',
    );
    this.endToEndSeconds = histogram(
      'herald_consumer_end_to_end_latency_seconds',
      'From ce_time (publish) to handler success',
    );
  }

  static create(group: string, registry: Registry = new Registry()): ConsumerMetrics {
    return new ConsumerMetrics(registry, group);
  }

  running(consuming: boolean): void {
    this.runningGauge.set({ group: this.group }, consuming ? 1 : 0);
  }

  forTopic(topic: string): TopicMetrics {
    let metrics = this.byTopic.get(topic);
    if (metrics === undefined) {
      const labels = { group: this.group, topic };
      const failed = {
        true: this.failedAttempts.labels({ ...labels, retriable: 'true' }),
        false: this.failedAttempts.labels({ ...labels, retriable: 'false' }),
      };
      metrics = {
        processed: this.processed.labels(labels),
        ignored: this.ignored.labels(labels),
        deadLettered: this.deadLettered.labels(labels),
        handlerSeconds: this.handlerSeconds.labels(labels),
        endToEndSeconds: this.endToEndSeconds.labels(labels),
        failed: (retriable) => (retriable ? failed.true : failed.false),
        lag: (partition, value) => this.lag.set({ ...labels, partition: String(partition) }, value),
      };
      this.byTopic.set(topic, metrics);
    }
    return metrics;
  }
}
