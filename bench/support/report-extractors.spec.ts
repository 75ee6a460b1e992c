import { extractRows } from './report-extractors';
import { isMet, numberAt, resultDate } from './report-rows';

describe('extractRows', () => {
  const gateway = {
    date: '2026-12-06T23:40:43.591Z',
    batch: {
      gatewayEventsPerSec: 27241,
      gatewayClientIdsEventsPerSec: 20722,
      rawKafkajsEventsPerSec: 28981,
      ratio: 0.94,
      ratioClientIds: 0.72,
      target: { ratio: 0.85, ratioClientIds: 0.8 },
    },
    latency: {
      p99Ms: 19.9,
      floor: { p99Ms: 6.81 },
      p99TaxMs: { generated: 14.75 },
      targetP99Ms: 25,
      targetP99TaxMs: 3,
    },
  };

  it('takes Herald, the baseline, the ratio and the target of each measure from the JSON', () => {
    const rows = extractRows('gateway', gateway);
    expect(rows.find((r) => r.measure === 'batch of 100, generated ids')).toEqual({
      bench: 'gateway',
      measure: 'batch of 100, generated ids',
      herald: { value: 27241, unit: 'ev/s' },
      baseline: { what: 'raw kafkajs producer', value: 28981, unit: 'ev/s' },
      ratio: 0.94,
      target: { on: 'ratio', op: '>=', value: 0.85 },
      met: true,
    });
    expect(rows.find((r) => r.measure === 'batch of 100, client ids')?.met).toBe(false);
  });

  it('judges a latency target on Herald’s own figure, with the floor as its baseline', () => {
    const rows = extractRows('gateway', gateway);
    const p99 = rows.find((r) => r.measure === 'p99 at 1,000 ev/s, generated ids');
    expect(p99?.baseline?.value).toBe(6.81);
    expect(p99?.ratio).toBeCloseTo(19.9 / 6.81);
    expect(p99?.target).toEqual({ on: 'herald', op: '<=', value: 25 });
    expect(p99?.met).toBe(true);
    const tax = rows.find((r) => r.measure.startsWith('p99 tax over the floor, generated'));
    expect(tax).toMatchObject({
      herald: { value: 14.75, unit: 'ms' },
      baseline: null,
      ratio: null,
      met: false,
    });
  });

  it('leaves out a measure whose figure the JSON lacks (here: single, and client-id latency)', () => {
    const measures = extractRows('gateway', gateway).map((r) => r.measure);
    expect(measures).toEqual([
      'batch of 100, generated ids',
      'batch of 100, client ids',
      'p99 at 1,000 ev/s, generated ids',
      'p99 tax over the floor, generated ids (median of rounds)',
    ]);
  });

  it('reads the consumer’s newest run: medians of its rounds and its ratios', () => {
    const consumer = {
      runs: [
        { date: '2026-12-01T00:00:00.000Z', rawKafkajsPerSec: [1], runtimePerSec: [1], ratio: 0.1 },
        {
          date: '2026-12-06T21:29:19.308Z',
          rawKafkajsPerSec: [300, 100, 200],
          runtimePerSec: [90, 270, 180],
          runtimeJsonPayloadPerSec: [100, 100, 100],
          ratio: 0.76,
          ratioJsonPayload: 0.93,
        },
      ],
    };
    const rows = extractRows('consumer', consumer);
    expect(rows.map((r) => [r.herald.value, r.baseline?.value, r.ratio, r.met])).toEqual([
      [180, 200, 0.76, false],
      [100, 200, 0.93, true],
    ]);
    expect(resultDate(consumer)).toBe('2026-12-06T21:29:19.308Z');
  });

  it('returns no rows for an unknown benchmark or a JSON of another shape', () => {
    expect(extractRows('nope', gateway)).toEqual([]);
    expect(extractRows('registry', { unrelated: 1 })).toEqual([]);
    expect(extractRows('codec', null)).toEqual([]);
  });
});

describe('isMet', () => {
  it('compares the ratio or Herald’s figure as the target says, and has no verdict without a target', () => {
    expect(isMet({ on: 'ratio', op: '>=', value: 0.5 }, 1, 0.5)).toBe(true);
    expect(isMet({ on: 'ratio', op: '>=', value: 0.5 }, 1, 0.49)).toBe(false);
    expect(isMet({ on: 'herald', op: '<=', value: 3 }, 3.01, null)).toBe(false);
    expect(isMet({ on: 'ratio', op: '>=', value: 0.5 }, 1, null)).toBeNull();
    expect(isMet(null, 1, 1)).toBeNull();
  });
});

describe('numberAt', () => {
  it('follows a dotted path to a finite number only', () => {
    expect(numberAt({ a: { b: 2 } }, 'a.b')).toBe(2);
    expect(numberAt({ a: { b: '2' } }, 'a.b')).toBeUndefined();
    expect(numberAt({ a: null }, 'a.b')).toBeUndefined();
    expect(numberAt({ a: Number.NaN }, 'a')).toBeUndefined();
  });
});
