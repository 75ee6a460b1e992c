import { newSketch, sketchBytes, sketchFrom, mergeAll, summarize } from './latency-sketch';
import { metricInput } from './metric-values';
import { observe, type ConsumedRecord } from './observed-event';
import { InvalidAnalyticsRequestError } from './analytics-errors';
import { parseStatsRequest } from './stats-request';

const record = (time: string, timestamp: number, id = 'e1'): ConsumedRecord => ({
  id,
  type: 'a.b.c',
  time,
  timestamp: String(timestamp),
  topic: 'a.b.c',
  partition: 1,
  offset: '7',
  value: Buffer.alloc(0),
});

const T = Date.parse('2026-01-01T10:15:30.500Z');

describe('buckets and lateness', () => {
  it('counts an event in the minute of its event time while within the bound', () => {
    expect(observe(record('2026-01-01T10:15:30.500Z', T + 59 * 60_000), 3_600_000)).toMatchObject({
      bucket: Date.parse('2026-01-01T10:15:00Z'),
      late: false,
    });
  });

  it('counts an event past the bound as late, in the minute it reached Kafka', () => {
    expect(observe(record('2026-01-01T10:15:30.500Z', T + 61 * 60_000), 3_600_000)).toMatchObject({
      bucket: Date.parse('2026-01-01T11:16:00Z'),
      late: true,
    });
  });

  it('uses the record time when ce_time is missing or unusable, and the coordinates when ce_id is', () => {
    expect(observe(record('not a time', T, ''), 0)).toMatchObject({
      bucket: Date.parse('2026-01-01T10:15:00Z'),
      late: false,
      id: 'kafka:a.b.c/1@7',
    });
  });
});

describe('metric inputs from an avsc record', () => {
  it('unwraps unions, keeps longs exact and makes a group key', () => {
    const input = metricInput(
      {
        name: 'm',
        description: '',
        type: 'a.b.c',
        version: 1,
        aggregate: 'sum',
        field: 'amount',
        groupBy: ['c', 'n'],
      },
      { amount: { long: 9_007_199_254_740_993n }, c: 'EUR', n: null },
    );
    expect(input).toEqual({
      value: '9007199254740993',
      group: { c: 'EUR', n: null },
      groupKey: '["EUR",null]',
    });
  });

  it('skips values that are null or not finite', () => {
    const definition = {
      name: 'm',
      description: '',
      type: 'a.b.c',
      version: 1,
      aggregate: 'avg' as const,
      field: 'f',
      groupBy: [],
    };
    expect(metricInput(definition, { f: null }).value).toBeNull();
    expect(metricInput(definition, { f: Number.NaN }).value).toBeNull();
    expect(metricInput(definition, { f: 2.5 }).value).toBe('2.5');
  });
});

describe('latency sketches', () => {
  it('roll minute sketches up into the sketch of the whole range, through their stored form', () => {
    const minutes = [0, 1, 2].map((m) => {
      const sketch = newSketch();
      for (let i = 1; i <= 1000; i++) sketch.accept(m * 1000 + i);
      return sketchBytes(sketch);
    });
    const all = newSketch();
    for (let v = 1; v <= 3000; v++) all.accept(v);
    const merged = mergeAll(minutes.map((bytes) => sketchFrom(bytes)));
    const summary = summarize(merged, [0.5, 0.99]);
    expect(summary.count).toBe(3000);
    expect(summary.quantiles).toEqual(summarize(all, [0.5, 0.99]).quantiles);
    expect(Math.abs(summary.quantiles['p50']! - 1500) / 1500).toBeLessThan(0.02);
  });
});

describe('stats parameters', () => {
  const now = Date.parse('2026-01-01T12:00:30Z');

  it('defaults to the count of the last hour by minute, rounded out to whole minutes', () => {
    expect(parseStatsRequest({ type: 'a.b.c' }, now)).toEqual({
      type: 'a.b.c',
      metric: 'count',
      late: false,
      group: {},
      interval: 'minute',
      from: Date.parse('2026-01-01T11:00:00Z'),
      to: Date.parse('2026-01-01T12:01:00Z'),
    });
  });

  it('reports every bad parameter at once', () => {
    try {
      parseStatsRequest({ interval: 'week', from: 'x', late: 'no', group: 'bad' }, now);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidAnalyticsRequestError);
      expect((error as InvalidAnalyticsRequestError).issues.map((i) => i.path).sort()).toEqual([
        '/from',
        '/group',
        '/interval',
        '/late',
        '/type',
      ]);
    }
  });
});
