import { UsageError } from '../usage-error';
import {
  applyOffsetReset,
  GroupActiveError,
  planOffsetReset,
  totalReread,
  type GroupDescription,
  type OffsetResetPort,
  type PartitionOffset,
} from './offset-reset';
import { planText } from './offset-reset.reporter';

interface FakeTopic {
  /** End offset per partition. */
  readonly ends: readonly number[];
  /** Record timestamps (ms) per partition, offset = index. */
  readonly times: readonly (readonly number[])[];
}

class FakeAdmin implements OffsetResetPort {
  readonly writes: { groupId: string; topic: string; partitions: PartitionOffset[] }[] = [];
  group: GroupDescription = { state: 'Empty', members: 0 };

  constructor(
    private readonly topics: Record<string, FakeTopic>,
    private readonly commits: Record<string, Record<number, number>>,
  ) {}

  async describeGroup(): Promise<GroupDescription> {
    return this.group;
  }

  async committedTopics(): Promise<string[]> {
    return Object.keys(this.commits);
  }

  async committedOffsets(_groupId: string, topic: string): Promise<PartitionOffset[]> {
    return this.topic(topic).ends.map((_, partition) => ({
      partition,
      offset: String(this.commits[topic]?.[partition] ?? -1),
    }));
  }

  async partitions(topic: string): Promise<number[]> {
    return this.topic(topic).ends.map((_, partition) => partition);
  }

  async endOffsets(topic: string): Promise<PartitionOffset[]> {
    return this.topic(topic).ends.map((end, partition) => ({ partition, offset: String(end) }));
  }

  /** As kafkajs does: the end offset when no record is at or after the time. */
  async offsetsAtTime(topic: string, ms: number): Promise<PartitionOffset[]> {
    const { ends, times } = this.topic(topic);
    return ends.map((end, partition) => {
      const index = (times[partition] ?? []).findIndex((t) => t >= ms);
      return { partition, offset: String(index === -1 ? end : index) };
    });
  }

  async setOffsets(groupId: string, topic: string, partitions: readonly PartitionOffset[]): Promise<void> {
    this.writes.push({ groupId, topic, partitions: [...partitions] });
  }

  private topic(name: string): FakeTopic {
    const topic = this.topics[name];
    if (topic === undefined) throw new UsageError(`topic "${name}" does not exist`);
    return topic;
  }
}

const T = Date.parse('2026-11-27T10:00:00Z');
const minutes = (n: number): number => T + n * 60_000;

function admin(): FakeAdmin {
  return new FakeAdmin(
    {
      orders: {
        ends: [4, 2],
        times: [
          [minutes(0), minutes(1), minutes(10), minutes(11)],
          [minutes(2), minutes(3)],
        ],
      },
      payments: { ends: [3], times: [[minutes(0), minutes(20), minutes(30)]] },
    },
    { orders: { 0: 4, 1: 2 } },
  );
}

describe('planOffsetReset', () => {
  it('moves each partition to the first record at or after the time and counts the records read again', async () => {
    const plan = await planOffsetReset(admin(), { group: 'audit', at: new Date(minutes(5)) });
    expect(plan.topics).toEqual(['orders']);
    expect(plan.partitions).toEqual([
      { topic: 'orders', partition: 0, current: '4', target: '2', toEnd: false, reread: 2 },
      { topic: 'orders', partition: 1, current: '2', target: '2', toEnd: true, reread: 0 },
    ]);
    expect(totalReread(plan)).toBe(2);
    const text = planText(plan);
    expect(text).toContain('orders [0]  4 → 2  re-reads 2 record(s)');
    expect(text).toContain('end of the partition: no record at or after that time');
    expect(text).toContain('2 record(s) will be read again');
  });

  it('sends every partition to its end for a time in the future', async () => {
    const plan = await planOffsetReset(admin(), { group: 'audit', at: new Date(minutes(999)) });
    expect(plan.partitions.map((p) => [p.target, p.toEnd])).toEqual([
      ['4', true],
      ['2', true],
    ]);
  });

  it('uses --topic when given, also for partitions the group never committed', async () => {
    const plan = await planOffsetReset(admin(), {
      group: 'audit',
      at: new Date(minutes(15)),
      topics: ['payments'],
    });
    expect(plan.partitions).toEqual([
      { topic: 'payments', partition: 0, current: null, target: '1', toEnd: false, reread: null },
    ]);
    expect(planText(plan)).toContain('- → 1  no committed offset');
  });

  it('requires --topic when the group has no committed offsets', async () => {
    const empty = new FakeAdmin({ orders: { ends: [0], times: [[]] } }, {});
    await expect(planOffsetReset(empty, { group: 'new', at: new Date(T) })).rejects.toThrow(/--topic/);
  });

  it('reports an unknown topic as a usage error', async () => {
    await expect(
      planOffsetReset(admin(), { group: 'audit', at: new Date(T), topics: ['nope'] }),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it('refuses an active group, naming its members, and writes nothing', async () => {
    const fake = admin();
    fake.group = { state: 'Stable', members: 3 };
    const refused = planOffsetReset(fake, { group: 'audit', at: new Date(T) });
    await expect(refused).rejects.toBeInstanceOf(GroupActiveError);
    await expect(refused).rejects.toThrow(/3 member\(s\).*stop its consumers/);
    expect(fake.writes).toEqual([]);
  });
});

describe('applyOffsetReset', () => {
  it('writes the planned offsets per topic', async () => {
    const fake = admin();
    const plan = await planOffsetReset(fake, { group: 'audit', at: new Date(minutes(5)) });
    await applyOffsetReset(fake, plan);
    expect(fake.writes).toEqual([
      {
        groupId: 'audit',
        topic: 'orders',
        partitions: [
          { partition: 0, offset: '2' },
          { partition: 1, offset: '2' },
        ],
      },
    ]);
  });

  it('checks again before writing: a group that became active meanwhile is refused', async () => {
    const fake = admin();
    const plan = await planOffsetReset(fake, { group: 'audit', at: new Date(minutes(5)) });
    fake.group = { state: 'PreparingRebalance', members: 1 };
    await expect(applyOffsetReset(fake, plan)).rejects.toBeInstanceOf(GroupActiveError);
    expect(fake.writes).toEqual([]);
  });
});
