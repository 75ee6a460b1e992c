import {
  planTopic,
  TopicPolicyError,
  type ClusterFacts,
  type TopicSpec,
  type TopicState,
} from './topic-admin';

const spec = (extra: Partial<TopicSpec> = {}): TopicSpec => ({
  topic: 't',
  partitions: 6,
  retentionMs: 86_400_000,
  ...extra,
});
const one: ClusterFacts = { brokers: 1, defaultReplicationFactor: 1 };
const three: ClusterFacts = { brokers: 3, defaultReplicationFactor: 3 };
const state = (extra: Partial<TopicState> = {}): TopicState => ({
  partitions: 6,
  retentionMs: 86_400_000,
  replicationFactor: 3,
  minInsyncReplicas: 2,
  overrides: {},
  ...extra,
});

describe('planTopic replication', () => {
  it("creates with the brokers' default replication factor unless one is asked for", () => {
    expect(planTopic(spec(), undefined, three)).toEqual([
      { kind: 'create', partitions: 6, retentionMs: 86_400_000, replicationFactor: 3 },
    ]);
    expect(planTopic(spec({ replicationFactor: 2, minInsyncReplicas: 2 }), undefined, three)).toEqual([
      { kind: 'create', partitions: 6, retentionMs: 86_400_000, replicationFactor: 2, minInsyncReplicas: 2 },
    ]);
    expect(planTopic(spec(), undefined, one)[0]).toMatchObject({ replicationFactor: 1 });
  });

  it('refuses one replica on 3 or more brokers unless allowed, whether asked for or the default', () => {
    const singleDefault = { brokers: 3, defaultReplicationFactor: 1 };
    expect(() => planTopic(spec(), undefined, singleDefault)).toThrow(TopicPolicyError);
    expect(() => planTopic(spec({ replicationFactor: 1 }), undefined, three)).toThrow(
      /refusing to create it with one replica on a cluster of 3 brokers.*KAFKA_REPLICATION_FACTOR.*--allow-single-replica/,
    );
    expect(
      planTopic(spec({ replicationFactor: 1 }), undefined, three, { allowSingleReplica: true })[0],
    ).toMatchObject({
      replicationFactor: 1,
    });
    // Two brokers: one replica is what a developer's pair of brokers often runs; not refused.
    expect(planTopic(spec(), undefined, { brokers: 2, defaultReplicationFactor: 1 })[0]).toMatchObject({
      replicationFactor: 1,
    });
  });

  it('refuses a replication factor above the broker count and min.insync.replicas above the replication factor', () => {
    expect(() => planTopic(spec({ replicationFactor: 3 }), undefined, one)).toThrow(
      'replication factor 3 needs 3 brokers, the cluster has 1',
    );
    expect(() => planTopic(spec({ minInsyncReplicas: 4 }), undefined, three)).toThrow(
      'min.insync.replicas 4 is more than the replication factor 3',
    );
    expect(() => planTopic(spec({ minInsyncReplicas: 4 }), state(), three)).toThrow(
      'min.insync.replicas 4 is more than its 3 replica(s)',
    );
  });

  it('sets min.insync.replicas on an existing topic and reports, never changes, its replication factor', () => {
    expect(planTopic(spec({ minInsyncReplicas: 2 }), state(), three)).toEqual([]);
    expect(planTopic(spec({ minInsyncReplicas: 3 }), state(), three)).toEqual([
      { kind: 'set-min-insync', from: 2, to: 3 },
    ]);
    expect(planTopic(spec({ replicationFactor: 3 }), state({ replicationFactor: 1 }), three)).toEqual([
      { kind: 'keep-replication', actual: 1, wanted: 3 },
    ]);
    // Unset: the topic's replication is whatever it is.
    expect(planTopic(spec(), state({ replicationFactor: 1 }), three)).toEqual([]);
  });
});
