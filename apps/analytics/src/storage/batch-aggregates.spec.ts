import type { ObservedEvent } from '../domain/observed-event';
import type { MetricRow } from './aggregate-writes';
import { countsOf, metricGroupsOf } from './batch-aggregates';

const row = (groupKey: string, value: string | null, late = false, bucket = 60_000): MetricRow => ({
  generation: 1,
  late,
  bucket,
  groupKey,
  group: { currency: (JSON.parse(groupKey) as string[])[0] },
  value,
});

describe('a batch added up before it is written', () => {
  it('counts events per type, lateness and minute', () => {
    const event = (type: string, late: boolean, bucket: number) => ({ type, late, bucket }) as ObservedEvent;
    const counts = countsOf([
      event('a', false, 0),
      event('a', false, 0),
      event('a', true, 0),
      event('b', false, 60_000),
    ]);
    expect(counts).toEqual([
      { type: 'a', late: false, bucket: 0, count: 2 },
      { type: 'a', late: true, bucket: 0, count: 1 },
      { type: 'b', late: false, bucket: 60_000, count: 1 },
    ]);
  });

  it('adds integers exactly beyond 2^53 and leaves fractions and exponents to PostgreSQL', () => {
    const big = '9007199254740993'; // 2^53 + 1: not a double
    const groups = metricGroupsOf([
      row('["EUR"]', big),
      row('["EUR"]', big),
      row('["EUR"]', '-5'),
      row('["EUR"]', null),
      row('["EUR"]', '2.5'),
      row('["EUR"]', '1e+21'),
      row('["USD"]', '7'),
      row('["USD"]', '7', true),
    ]);
    expect(groups).toHaveLength(3);
    const eur = groups[0]!;
    expect(eur).toMatchObject({
      events: 6,
      integers: 3,
      min: -5n,
      max: 9007199254740993n,
      others: ['2.5', '1e+21'],
    });
    expect(eur.sum).toBe(18014398509481981n);
    expect(groups[1]).toMatchObject({ groupKey: '["USD"]', late: false, events: 1, sum: 7n });
    expect(groups[2]).toMatchObject({ groupKey: '["USD"]', late: true, events: 1, sum: 7n });
  });

  it('keeps a group without values (a count, or only nulls) with no integer figures', () => {
    const [group] = metricGroupsOf([row('["EUR"]', null), row('["EUR"]', null)]);
    expect(group).toMatchObject({ events: 2, integers: 0, sum: 0n, min: null, max: null, others: [] });
  });
});
