import type { ClusterFacts, TopicChange, TopicSpec, TopicState } from '@app/kafka';
import type { AvroSchemaJson, Catalog, CompatibilityLevel, EventTypeDefinition } from '@app/schema';
import type { RegisteredVersion, SubjectRegistry, TopicAdminPort } from './push.ports';
import { pushCatalog } from './schema-push.runner';
import { sameJson } from './subject-comparison';

const schema = (doc: string): AvroSchemaJson => ({
  type: 'record',
  name: 'R',
  doc,
  fields: [{ name: 'id', type: 'string', doc: 'id' }],
});

function eventType(name: string, docs: string[], partitions = 3): EventTypeDefinition {
  const versions = docs.map((doc, i) => ({
    version: i + 1,
    file: `d/${name}/v${i + 1}.avsc`,
    schema: schema(doc),
    canonical: '',
    fingerprint: '',
  }));
  return {
    type: name,
    domain: 'd',
    topic: name,
    subject: `${name}-value`,
    metadata: {
      description: 'x',
      owner: 'team',
      compatibility: 'FULL_TRANSITIVE',
      key: 'id',
      tenant: 'id',
      partitions,
      retentionMs: 86_400_000,
    },
    versions,
    latest: versions[versions.length - 1] as EventTypeDefinition['latest'],
  };
}

/** A registry in memory: versions numbered in order of registration, like Confluent's. */
class FakeRegistry implements SubjectRegistry {
  readonly subjects = new Map<string, AvroSchemaJson[]>();
  readonly levels = new Map<string, CompatibilityLevel>();
  writes = 0;
  async versions(subject: string): Promise<number[]> {
    return (this.subjects.get(subject) ?? []).map((_, i) => i + 1);
  }
  async version(subject: string, version: number): Promise<RegisteredVersion | undefined> {
    const found = this.subjects.get(subject)?.[version - 1];
    return found === undefined ? undefined : { id: version, version, schema: found };
  }
  async lookup(subject: string, wanted: AvroSchemaJson): Promise<RegisteredVersion | undefined> {
    const index = (this.subjects.get(subject) ?? []).findIndex((s) => sameJson(s, wanted));
    return index < 0 ? undefined : { id: index + 1, version: index + 1, schema: wanted };
  }
  async compatibility(subject: string): Promise<CompatibilityLevel | undefined> {
    return this.levels.get(subject);
  }
  async register(subject: string, registered: AvroSchemaJson): Promise<number> {
    this.writes++;
    const list = this.subjects.get(subject) ?? [];
    const existing = list.findIndex((s) => sameJson(s, registered));
    if (existing >= 0) return existing + 1;
    this.subjects.set(subject, [...list, registered]);
    return list.length + 1;
  }
  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    this.writes++;
    this.levels.set(subject, level);
  }
}

class FakeTopics implements TopicAdminPort {
  readonly topics = new Map<string, TopicState>();
  constructor(private readonly facts: ClusterFacts = { brokers: 1, defaultReplicationFactor: 1 }) {}
  async cluster(): Promise<ClusterFacts> {
    return this.facts;
  }
  async describe(topic: string): Promise<TopicState | undefined> {
    return this.topics.get(topic);
  }
  async apply(
    spec: TopicSpec,
    state: TopicState | undefined,
    changes: readonly TopicChange[],
  ): Promise<void> {
    let next = state ?? { partitions: 0, retentionMs: undefined, overrides: {} };
    for (const change of changes) {
      if (change.kind === 'create')
        next = {
          partitions: change.partitions,
          retentionMs: change.retentionMs,
          replicationFactor: change.replicationFactor,
          overrides: {},
        };
      if (change.kind === 'raise-partitions') next = { ...next, partitions: change.to };
      if (change.kind === 'set-retention') next = { ...next, retentionMs: change.to };
    }
    this.topics.set(spec.topic, next);
  }
}

const catalogOf = (...eventTypes: EventTypeDefinition[]): Catalog => ({ root: '/schemas', eventTypes });

describe('pushCatalog', () => {
  it('brings topic, level and versions to the tree, and a second run writes nothing', async () => {
    const registry = new FakeRegistry();
    const topics = new FakeTopics();
    const catalog = catalogOf(eventType('a.b.c', ['one', 'two']));
    const [first] = await pushCatalog({ catalog, dryRun: false, registry, topics });
    expect(first?.status).toBe('changed');
    expect(first?.actions.map((a) => (a.target === 'topic' ? a.kind : a.target))).toEqual([
      'create',
      'compatibility',
      'version',
      'version',
    ]);
    expect(registry.levels.get('a.b.c-value')).toBe('FULL_TRANSITIVE');
    expect(topics.topics.get('a.b.c')).toMatchObject({ partitions: 3, retentionMs: 86_400_000 });
    const writes = registry.writes;
    const [second] = await pushCatalog({ catalog, dryRun: false, registry, topics });
    expect(second).toMatchObject({ status: 'unchanged', actions: [], errors: [] });
    expect(registry.writes).toBe(writes);
  });

  it('plans without writing on a dry run', async () => {
    const registry = new FakeRegistry();
    const topics = new FakeTopics();
    const [result] = await pushCatalog({
      catalog: catalogOf(eventType('a.b.c', ['one'])),
      dryRun: true,
      registry,
      topics,
    });
    expect(result?.status).toBe('changed');
    expect(result?.actions).toHaveLength(3);
    expect([registry.writes, topics.topics.size]).toEqual([0, 0]);
  });

  it('writes nothing for a type whose registry contradicts the files, and goes on with the others', async () => {
    const registry = new FakeRegistry();
    const topics = new FakeTopics();
    registry.subjects.set('a.b.c-value', [schema('one, as published')]);
    const results = await pushCatalog({
      catalog: catalogOf(eventType('a.b.c', ['one', 'two']), eventType('a.b.d', ['one'])),
      dryRun: false,
      registry,
      topics,
    });
    expect(results.map((r) => r.status)).toEqual(['failed', 'changed']);
    expect(results[0]?.errors).toEqual([
      expect.stringMatching(
        /^registry version 1 of a\.b\.c-value \(id 1\) differs from d\/a\.b\.c\/v1\.avsc/,
      ),
    ]);
    expect(results[0]?.actions).toEqual([]);
    expect([topics.topics.has('a.b.c'), registry.levels.has('a.b.c-value')]).toEqual([false, false]);
  });

  it('refuses a registry ahead of the tree and a version the registry can no longer number', async () => {
    const registry = new FakeRegistry();
    registry.subjects.set('a.b.c-value', [schema('one'), schema('two')]);
    const [ahead] = await pushCatalog({
      catalog: catalogOf(eventType('a.b.c', ['one'])),
      dryRun: false,
      registry,
      topics: new FakeTopics(),
    });
    expect(ahead?.errors).toEqual([
      expect.stringMatching(/holds version\(s\) 2 of a\.b\.c-value that have no file/),
    ]);

    // v2 identical to v1: the registry answers with version 1, so v2 cannot become version 2.
    const [renumbered] = await pushCatalog({
      catalog: catalogOf(eventType('x.y.z', ['same', 'same'])),
      dryRun: false,
      registry,
      topics: new FakeTopics(),
    });
    expect(renumbered?.status).toBe('failed');
    expect(renumbered?.errors).toEqual([
      expect.stringMatching(/^d\/x\.y\.z\/v2\.avsc was registered as version 1 of x\.y\.z-value, not 2/),
    ]);
  });

  it('raises partitions, never shrinks them, and says so', async () => {
    const topics = new FakeTopics();
    topics.topics.set('a.b.c', { partitions: 6, retentionMs: 86_400_000, overrides: {} });
    topics.topics.set('a.b.d', { partitions: 1, retentionMs: 86_400_000, overrides: {} });
    const results = await pushCatalog({
      catalog: catalogOf(eventType('a.b.c', ['one'], 3), eventType('a.b.d', ['one'], 4)),
      dryRun: false,
      registry: new FakeRegistry(),
      topics,
    });
    expect(results[0]?.actions[0]).toEqual({
      target: 'topic',
      topic: 'a.b.c',
      kind: 'keep-partitions',
      actual: 6,
      wanted: 3,
    });
    expect(results[1]?.actions[0]).toEqual({
      target: 'topic',
      topic: 'a.b.d',
      kind: 'raise-partitions',
      from: 1,
      to: 4,
    });
    expect([topics.topics.get('a.b.c')?.partitions, topics.topics.get('a.b.d')?.partitions]).toEqual([6, 4]);
  });

  it('creates topics with the replication asked for, and refuses one replica on 3 or more brokers', async () => {
    const catalog = catalogOf(eventType('a.b.c', ['one']));
    const threeBrokers = { brokers: 3, defaultReplicationFactor: 1 };
    const refused = new FakeTopics(threeBrokers);
    const registry = new FakeRegistry();
    const [result] = await pushCatalog({ catalog, dryRun: false, registry, topics: refused });
    expect(result?.status).toBe('failed');
    expect(result?.errors).toEqual([
      expect.stringMatching(/^a\.b\.c: refusing to create it with one replica on a cluster of 3 brokers/),
    ]);
    expect([refused.topics.size, registry.writes]).toEqual([0, 0]);

    const replicated = new FakeTopics(threeBrokers);
    const [created] = await pushCatalog({
      catalog,
      dryRun: false,
      registry: new FakeRegistry(),
      topics: replicated,
      replication: { replicationFactor: 3, minInsyncReplicas: 2 },
    });
    expect(created?.actions[0]).toMatchObject({ kind: 'create', replicationFactor: 3, minInsyncReplicas: 2 });

    const allowed = new FakeTopics(threeBrokers);
    const [single] = await pushCatalog({
      catalog,
      dryRun: false,
      registry: new FakeRegistry(),
      topics: allowed,
      replication: { allowSingleReplica: true },
    });
    expect(single?.actions[0]).toMatchObject({ kind: 'create', replicationFactor: 1 });
  });
});
