/**
 * Brings an event type's topic to the partition count and retention its event.yaml asks for,
 * and to the replication the deployment asks for, without ever losing data: a missing topic is
 * created, partitions are only ever raised (Kafka cannot remove partitions, and adding them
 * re-maps keys, so it is reported), and `retention.ms` and `min.insync.replicas` are set as topic
 * overrides. The replication factor of an existing topic is reported, never changed (that is a
 * partition reassignment, an operator's job). Planning is pure, so callers can show a dry run.
 */
import { ConfigResourceTypes, ConfigSource, type Admin } from 'kafkajs';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Kafka `retention.ms`; -1 keeps records forever. */
  readonly retentionMs: number;
  /** Replicas per partition for a new topic; undefined takes the brokers' `default.replication.factor`. */
  readonly replicationFactor?: number;
  /** The topic's `min.insync.replicas` override; undefined leaves the brokers' default. */
  readonly minInsyncReplicas?: number;
}

/** What the cluster holds for a topic; undefined when the topic does not exist. */
export interface TopicState {
  readonly partitions: number;
  /** The effective `retention.ms` (topic override or broker default). */
  readonly retentionMs: number | undefined;
  /** Replicas of its first partition (every partition of a topic Herald creates has the same). */
  readonly replicationFactor?: number;
  /** The effective `min.insync.replicas` (topic override or broker default). */
  readonly minInsyncReplicas?: number;
  /** Topic-level overrides, which a non-incremental AlterConfigs must send back unchanged. */
  readonly overrides: Readonly<Record<string, string>>;
}

/** What a plan needs to know about the cluster (TopicAdmin.cluster() reads it). */
export interface ClusterFacts {
  readonly brokers: number;
  /** The brokers' `default.replication.factor`. */
  readonly defaultReplicationFactor: number;
}

/** How strict a plan is. */
export interface TopicPolicy {
  /** Allow a new topic with one replica on a cluster of 3 or more brokers (off: refused). */
  readonly allowSingleReplica?: boolean;
}

export type TopicChange =
  | {
      readonly kind: 'create';
      readonly partitions: number;
      readonly retentionMs: number;
      readonly replicationFactor: number;
      readonly minInsyncReplicas?: number;
    }
  | { readonly kind: 'raise-partitions'; readonly from: number; readonly to: number }
  /** The topic has more partitions than asked; Kafka cannot shrink a topic, so it stays. */
  | { readonly kind: 'keep-partitions'; readonly actual: number; readonly wanted: number }
  | { readonly kind: 'set-retention'; readonly from: number | undefined; readonly to: number }
  | { readonly kind: 'set-min-insync'; readonly from: number | undefined; readonly to: number }
  /** The topic has another replication factor than asked; changing it is a reassignment, not done here. */
  | { readonly kind: 'keep-replication'; readonly actual: number; readonly wanted: number };

/** A plan that would create a topic the cluster cannot keep safely, or cannot create at all. */
export class TopicPolicyError extends Error {
  override name = 'TopicPolicyError';
}

/** The changes that bring `state` to `spec`; `keep-*` changes are notices, not writes. */
export function planTopic(
  spec: TopicSpec,
  state: TopicState | undefined,
  cluster: ClusterFacts,
  policy: TopicPolicy = {},
): TopicChange[] {
  const replicationFactor = spec.replicationFactor ?? cluster.defaultReplicationFactor;
  if (state === undefined) {
    checkReplication(spec, replicationFactor, cluster, policy);
    return [
      {
        kind: 'create',
        partitions: spec.partitions,
        retentionMs: spec.retentionMs,
        replicationFactor,
        ...(spec.minInsyncReplicas === undefined ? {} : { minInsyncReplicas: spec.minInsyncReplicas }),
      },
    ];
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
  if (spec.minInsyncReplicas !== undefined && state.minInsyncReplicas !== spec.minInsyncReplicas) {
    if (state.replicationFactor !== undefined && spec.minInsyncReplicas > state.replicationFactor) {
      throw new TopicPolicyError(
        `${spec.topic}: min.insync.replicas ${spec.minInsyncReplicas} is more than its ${state.replicationFactor} replica(s); every acks=all write would fail`,
      );
    }
    changes.push({ kind: 'set-min-insync', from: state.minInsyncReplicas, to: spec.minInsyncReplicas });
  }
  if (
    spec.replicationFactor !== undefined &&
    state.replicationFactor !== undefined &&
    state.replicationFactor !== spec.replicationFactor
  ) {
    changes.push({
      kind: 'keep-replication',
      actual: state.replicationFactor,
      wanted: spec.replicationFactor,
    });
  }
  return changes;
}

function checkReplication(
  spec: TopicSpec,
  replicationFactor: number,
  cluster: ClusterFacts,
  policy: TopicPolicy,
): void {
  if (replicationFactor > cluster.brokers) {
    throw new TopicPolicyError(
      `${spec.topic}: replication factor ${replicationFactor} needs ${replicationFactor} brokers, the cluster has ${cluster.brokers}`,
    );
  }
  if (replicationFactor === 1 && cluster.brokers >= 3 && policy.allowSingleReplica !== true) {
    throw new TopicPolicyError(
      `${spec.topic}: refusing to create it with one replica on a cluster of ${cluster.brokers} brokers (one broker lost would lose its data); ` +
        'set KAFKA_REPLICATION_FACTOR (3 is usual) or pass --allow-single-replica if this is really wanted',
    );
  }
  const minInsync = spec.minInsyncReplicas;
  if (minInsync !== undefined && minInsync > replicationFactor) {
    throw new TopicPolicyError(
      `${spec.topic}: min.insync.replicas ${minInsync} is more than the replication factor ${replicationFactor}; every acks=all write would fail`,
    );
  }
}

export function isTopicWrite(change: TopicChange): boolean {
  return change.kind !== 'keep-partitions' && change.kind !== 'keep-replication';
}

export class TopicAdmin {
  constructor(private readonly admin: Admin) {}

  /** The number of brokers and their `default.replication.factor` (read from the controller). */
  async cluster(): Promise<ClusterFacts> {
    const { brokers, controller } = await this.admin.describeCluster();
    const brokerId = String(controller ?? brokers[0]?.nodeId ?? 1);
    const described = await this.admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.BROKER, name: brokerId, configNames: ['default.replication.factor'] },
      ],
      includeSynonyms: false,
    });
    const entry = described.resources[0]?.configEntries.find(
      (e) => e.configName === 'default.replication.factor',
    );
    return { brokers: brokers.length, defaultReplicationFactor: Number(entry?.configValue ?? 1) };
  }

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
    const numeric = (name: string): number | undefined => {
      const value = entries.find((entry) => entry.configName === name)?.configValue;
      return value === undefined ? undefined : Number(value);
    };
    return {
      partitions: metadata?.partitions.length ?? 0,
      retentionMs: numeric('retention.ms'),
      replicationFactor: metadata?.partitions[0]?.replicas.length,
      minInsyncReplicas: numeric('min.insync.replicas'),
      overrides,
    };
  }

  /** Applies planned changes in order; `keep-*` changes write nothing. */
  async apply(
    spec: TopicSpec,
    state: TopicState | undefined,
    changes: readonly TopicChange[],
  ): Promise<void> {
    // Config changes go out together: AlterConfigs replaces every override at once.
    const configs: Record<string, string> = {};
    for (const change of changes) {
      switch (change.kind) {
        case 'create':
          await this.create(spec.topic, change);
          break;
        case 'raise-partitions':
          await this.admin.createPartitions({ topicPartitions: [{ topic: spec.topic, count: change.to }] });
          break;
        case 'set-retention':
          configs['retention.ms'] = String(change.to);
          break;
        case 'set-min-insync':
          configs['min.insync.replicas'] = String(change.to);
          break;
        case 'keep-partitions':
        case 'keep-replication':
          break;
      }
    }
    if (Object.keys(configs).length > 0) await this.setConfigs(spec.topic, state, configs);
  }

  private async create(topic: string, change: Extract<TopicChange, { kind: 'create' }>): Promise<void> {
    const configEntries = [{ name: 'retention.ms', value: String(change.retentionMs) }];
    if (change.minInsyncReplicas !== undefined) {
      configEntries.push({ name: 'min.insync.replicas', value: String(change.minInsyncReplicas) });
    }
    const created = await this.admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: change.partitions,
          replicationFactor: change.replicationFactor,
          configEntries,
        },
      ],
    });
    // false: another process created it between describe and create; converge on the next run.
    if (!created) throw new Error(`topic ${topic} was created concurrently; run again to converge`);
  }

  private async setConfigs(
    topic: string,
    state: TopicState | undefined,
    configs: Readonly<Record<string, string>>,
  ): Promise<void> {
    // AlterConfigs (not incremental) replaces every override, so the others are sent back as they are.
    const overrides = { ...state?.overrides, ...configs };
    await this.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: Object.entries(overrides).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  }
}
