/**
 * Brings an event type's topic to the partition count and retention its event.yaml asks for,
 * without ever losing data: a missing topic is created, partitions are only ever raised (Kafka
 * cannot remove partitions, and adding them re-maps keys, so it is reported), and `retention.ms`
 * is set as a topic override. Planning is pure, so callers can show a dry run.
 */
import { ConfigResourceTypes, ConfigSource, type Admin } from 'kafkajs';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Kafka `retention.ms`; -1 keeps records forever. */
  readonly retentionMs: number;
}

/** What the cluster holds for a topic; undefined when the topic does not exist. */
export interface TopicState {
  readonly partitions: number;
  /** The effective `retention.ms` (topic override or broker default). */
  readonly retentionMs: number | undefined;
  /** Topic-level overrides, which a non-incremental AlterConfigs must send back unchanged. */
  readonly overrides: Readonly<Record<string, string>>;
}

export type TopicChange =
  | { readonly kind: 'create'; readonly partitions: number; readonly retentionMs: number }
  | { readonly kind: 'raise-partitions'; readonly from: number; readonly to: number }
  /** The topic has more partitions than asked; Kafka cannot shrink a topic, so it stays. */
  | { readonly kind: 'keep-partitions'; readonly actual: number; readonly wanted: number }
  | { readonly kind: 'set-retention'; readonly from: number | undefined; readonly to: number };

/** The changes that bring `state` to `spec`; `keep-partitions` is a notice, not a write. */
export function planTopic(spec: TopicSpec, state: TopicState | undefined): TopicChange[] {
  if (state === undefined) {
    return [{ kind: 'create', partitions: spec.partitions, retentionMs: spec.retentionMs }];
  }
  const changes: TopicChange[] = [];
  if (state.partitions < spec.partitions) {
    changes.push({ kind: 'raise-partitions', from: state.partitions, to: spec.partitions });
  } else if (state.partitions > spec.partitions) {
    changes.push({ kind: 'keep-partitions', actual: state.partitions, wanted: spec.partitions });
  }
  if (state.retentionMs !== spec.retentionMs) {
    changes.push({ kind: 'set-retention', from: state.retentionMs, to: spec.retentionMs });
  }
  return changes;
}

export function isTopicWrite(change: TopicChange): boolean {
  return change.kind !== 'keep-partitions';
}

export class TopicAdmin {
  constructor(private readonly admin: Admin) {}

  async describe(topic: string): Promise<TopicState | undefined> {
    if (!(await this.admin.listTopics()).includes(topic)) return undefined;
    const [metadata] = (await this.admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const described = await this.admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    });
    const entries = described.resources[0]?.configEntries ?? [];
    const overrides: Record<string, string> = {};
    for (const entry of entries) {
      if (entry.configSource === ConfigSource.TOPIC_CONFIG) overrides[entry.configName] = entry.configValue;
    }
    const retention = entries.find((entry) => entry.configName === 'retention.ms')?.configValue;
    return {
      partitions: metadata?.partitions.length ?? 0,
      retentionMs: retention === undefined ? undefined : Number(retention),
      overrides,
    };
  }

  /** Applies planned changes in order; `keep-partitions` writes nothing. */
  async apply(
    spec: TopicSpec,
    state: TopicState | undefined,
    changes: readonly TopicChange[],
  ): Promise<void> {
    for (const change of changes) {
      switch (change.kind) {
        case 'create':
          await this.create(spec);
          break;
        case 'raise-partitions':
          await this.admin.createPartitions({ topicPartitions: [{ topic: spec.topic, count: change.to }] });
          break;
        case 'set-retention':
          await this.setRetention(spec, state);
          break;
        case 'keep-partitions':
          break;
      }
    }
  }

  private async create(spec: TopicSpec): Promise<void> {
    const created = await this.admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: spec.topic,
          numPartitions: spec.partitions,
          configEntries: [{ name: 'retention.ms', value: String(spec.retentionMs) }],
        },
      ],
    });
    // false: another process created it between describe and create; converge on the next run.
    if (!created) throw new Error(`topic ${spec.topic} was created concurrently; run again to converge`);
  }

  private async setRetention(spec: TopicSpec, state: TopicState | undefined): Promise<void> {
    // AlterConfigs (not incremental) replaces every override, so the others are sent back as they are.
    const overrides = { ...state?.overrides, 'retention.ms': String(spec.retentionMs) };
    await this.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: spec.topic,
          configEntries: Object.entries(overrides).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  }
}
