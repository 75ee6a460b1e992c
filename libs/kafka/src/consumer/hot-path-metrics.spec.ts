import { Registry } from 'prom-client';
import { BucketHistogram } from './bucket-histogram';
import { ConsumerMetrics } from './consumer-metrics';
import { rfc3339Millis } from './rfc3339-time';

describe('rfc3339Millis (ce_time read from header bytes)', () => {
  it('agrees with Date.parse on the shapes producers write', () => {
    for (const text of [
      '2026-11-27T01:47:14.287Z',
      '2026-11-27T01:47:14Z',
      '2026-11-27T01:47:14.287654Z',
      '2026-11-27T03:47:14.2+02:00',
      '2026-11-26T20:17:14-05:30',
      '2026-11-27 01:47:14.287z',
    ]) {
      expect(rfc3339Millis(Buffer.from(text))).toBe(Date.parse(text.replace(' ', 'T')));
    }
  });

  it('stays exact when consecutive records share, or do not share, the cached seconds', () => {
    const texts = [
      '2026-11-27T01:47:14.001Z',
      '2026-11-27T01:47:14.999Z',
      '2026-11-27T01:47:14+01:00',
      '2026-11-27T01:47:15.5Z',
      '2026-11-27T01:47:14.1Z',
      '2025-11-27T01:47:14.1Z',
      '2026-11-27T01:47:14.1-05:30',
    ];
    for (const text of [...texts, ...texts.reverse()]) {
      expect(rfc3339Millis(Buffer.from(text))).toBe(Date.parse(text));
    }
  });

  it('is NaN for text that is no timestamp', () => {
    expect(rfc3339Millis(Buffer.from('yesterday'))).toBeNaN();
    expect(rfc3339Millis(Buffer.from('2026-1x-27T01:47:14.287Z'))).toBeNaN();
    expect(rfc3339Millis(Buffer.from('2026-11-27T01:47:14.287+0200'))).toBeNaN();
  });
});

describe('consumer metrics', () => {
  it('renders histograms in the Prometheus text format, cumulative per bucket', async () => {
    const registry = new Registry();
    const histogram = BucketHistogram.in(registry, 'herald_test_seconds', 'test', [0.1, 1]);
    const series = histogram.labels({ topic: 't' });
    [0.05, 0.5, 0.7, 3].forEach((v) => series.observe(v));
    const text = await registry.metrics();
    expect(text).toContain('herald_test_seconds_bucket{topic="t",le="0.1"} 1');
    expect(text).toContain('herald_test_seconds_bucket{topic="t",le="1"} 3');
    expect(text).toContain('herald_test_seconds_bucket{topic="t",le="+Inf"} 4');
    expect(text).toContain('herald_test_seconds_sum{topic="t"} 4.25');
    expect(text).toContain('herald_test_seconds_count{topic="t"} 4');
    expect(BucketHistogram.in(registry, 'herald_test_seconds', 'test', [1])).toBe(histogram);
  });

  it('lets two consumers share one registry, each under its own group label', async () => {
    const registry = new Registry();
    const audit = ConsumerMetrics.create('audit', registry).forTopic('payments.payment.received');
    const analytics = ConsumerMetrics.create('analytics', registry).forTopic('payments.payment.received');
    audit.processed.inc(3);
    analytics.deadLettered.inc();
    audit.lag(2, 17);
    audit.endToEndSeconds.observe(0.02);
    const text = await registry.metrics();
    expect(text).toContain(
      'herald_consumer_events_processed_total{group="audit",topic="payments.payment.received"} 3',
    );
    expect(text).toContain(
      'herald_consumer_events_dead_lettered_total{group="analytics",topic="payments.payment.received"} 1',
    );
    expect(text).toContain(
      'herald_consumer_lag{group="audit",topic="payments.payment.received",partition="2"} 17',
    );
    expect(text).toContain(
      'herald_consumer_end_to_end_latency_seconds_count{group="audit",topic="payments.payment.received"} 1',
    );
  });
});
