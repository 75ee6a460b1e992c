/**
 * The lag of Herald's consumer groups from Kafka's admin API: for each group, each partition's
 * log end offset minus the group's committed offset (the whole retained log when it has none).
 * Answers are cached for a few seconds, so a dashboard polling it costs the brokers little. The
 * admin client is replaced after a failure (kafkajs keeps a deleted topic in its metadata forever).
 */
import type { Admin, Kafka } from 'kafkajs';

export interface GroupLag {
  readonly group: string;
  readonly state: string;
  readonly members: number;
  readonly lag: number;
  readonly topics: Array<{
    topic: string;
    lag: number;
    partitions: Array<{ partition: number; lag: number }>;
  }>;
}

const CACHE_MS = 3_000;

export class GroupLagReader {
  private admin: Admin | undefined;
  private cached: { at: number; groups: Promise<GroupLag[]> } | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly groups: RegExp | undefined,
  ) {}

  lag(): Promise<GroupLag[]> {
    if (this.cached === undefined || Date.now() - this.cached.at > CACHE_MS) {
      const groups = this.read();
      groups.catch(() => (this.cached = undefined));
      this.cached = { at: Date.now(), groups };
    }
    return this.cached.groups;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }

  private async read(): Promise<GroupLag[]> {
    if (this.admin === undefined) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    const admin = this.admin;
    try {
      const listed = (await admin.listGroups()).groups
        .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
        .map((g) => g.groupId)
        .filter((g) => this.groups === undefined || this.groups.test(g))
        .sort();
      const described = new Map(
        listed.length === 0
          ? []
          : (await admin.describeGroups(listed)).groups.map((g) => [g.groupId, g] as const),
      );
      const ends = new Map<string, Promise<Map<number, { high: number; low: number }> | undefined>>();
      const endsOf = (topic: string) => {
        let pending = ends.get(topic);
        if (pending === undefined) {
          pending = admin.fetchTopicOffsets(topic).then(
            (offsets) =>
              new Map(offsets.map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }])),
            () => undefined, // a topic deleted since the group committed on it
          );
          ends.set(topic, pending);
        }
        return pending;
      };
      const result: GroupLag[] = [];
      for (const group of listed) {
        const committed = await admin.fetchOffsets({ groupId: group });
        const topics: GroupLag['topics'] = [];
        for (const { topic, partitions } of committed) {
          const end = await endsOf(topic);
          if (end === undefined) continue;
          const rows = partitions.map(({ partition, offset }) => {
            const e = end.get(partition) ?? { high: 0, low: 0 };
            const at = Number(offset) < 0 ? e.low : Number(offset);
            return { partition, lag: Math.max(0, e.high - at) };
          });
          topics.push({ topic, lag: rows.reduce((s, r) => s + r.lag, 0), partitions: rows });
        }
        const info = described.get(group);
        result.push({
          group,
          state: info?.state ?? 'Unknown',
          members: info?.members.length ?? 0,
          lag: topics.reduce((s, t) => s + t.lag, 0),
          topics,
        });
      }
      return result;
    } catch (error) {
      this.admin = undefined;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }
}
