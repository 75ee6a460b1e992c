/**
 * KafkaSchemaLog on the real broker, its contract with Kafka and with Confluent: the topic is
 * one compacted partition (an existing one that is not is refused), the bytes it writes are
 * Confluent's, appends are read back before they resolve, and stop() leaves nothing behind.
 */
import { ConfigResourceTypes } from 'kafkajs';
import type { SchemaLogRecord } from '../src/registry/schema-log.port';
import { SchemaStorageError } from '../src/storage/schema-storage-errors';
import { schemaValue, SchemaLogTestKit } from './schema-log-test-kit';

describe('KafkaSchemaLog (real broker)', () => {
  const kit = SchemaLogTestKit.register();

  it('starts on a new topic at once and creates it with one compacted partition', async () => {
    const topic = kit.newTopic();
    const log = kit.newLog(topic);
    expect(log.state).toBe('idle');
    await log.start(() => undefined);
    expect(log.state).toBe('ready');
    expect(log.isCaughtUp()).toBe(true);
    expect(log.appliedOffset).toBe(-1n);

    const { brokers } = await kit.admin.describeCluster();
    const metadata = await kit.admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(1);
    expect(metadata.topics[0]?.partitions[0]?.replicas).toHaveLength(Math.min(3, brokers.length));
    const configs = await kit.admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configNames: ['cleanup.policy', 'min.insync.replicas'],
        },
      ],
    });
    const entries = Object.fromEntries(
      (configs.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
    expect(entries).toEqual({
      'cleanup.policy': 'compact',
      'min.insync.replicas': brokers.length >= 3 ? '2' : '1',
    });
  });

  it("writes Confluent's key and value bytes, tombstones included", async () => {
    const topic = kit.newTopic();
    const log = kit.newLog(topic);
    await log.start(() => undefined);
    await log.append({ keytype: 'SCHEMA', subject: 's', version: 1, magic: 1 }, schemaValue('s', 1, 1));
    await log.append(
      { keytype: 'CONFIG', subject: null, magic: 0 },
      { compatibilityLevel: 'FULL_TRANSITIVE' },
    );
    await log.append({ keytype: 'NOOP', magic: 0 }, null);
    await log.append({ keytype: 'DELETE_SUBJECT', subject: 's', magic: 0 }, { subject: 's', version: 1 });
    // Property order in the object passed must not matter: the key is built in Confluent's order.
    await log.append({ magic: 1, version: 1, subject: 's', keytype: 'SCHEMA' }, null);

    const raw = await kit.readRaw(topic, 5);
    expect(raw.map((m) => [m.offset, m.key?.toString('utf8'), m.value?.toString('utf8') ?? null])).toEqual([
      [
        '0',
        '{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}',
        '{"subject":"s","version":1,"id":1,"schema":"\\"string\\"","deleted":false}',
      ],
      ['1', '{"keytype":"CONFIG","subject":null,"magic":0}', '{"compatibilityLevel":"FULL_TRANSITIVE"}'],
      ['2', '{"keytype":"NOOP","magic":0}', null],
      ['3', '{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}', '{"subject":"s","version":1}'],
      ['4', '{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', null],
    ]);
  });

  it('resolves an append only after apply has seen it (read-your-writes), also when appends overlap', async () => {
    const log = kit.newLog(kit.newTopic());
    const applied: SchemaLogRecord[] = [];
    await log.start((record) => applied.push(record));

    const offset = await log.append(
      { keytype: 'SCHEMA', subject: 'a', version: 1, magic: 1 },
      schemaValue('a', 1, 1),
    );
    expect(offset).toBe(0n);
    expect(applied.at(-1)).toEqual({
      key: { keytype: 'SCHEMA', subject: 'a', version: 1, magic: 1 },
      value: schemaValue('a', 1, 1),
      offset: 0n,
    });

    const writes = [1, 2, 3, 4, 5].map(async (n) => {
      const at = await log.append(
        { keytype: 'SCHEMA', subject: 'b', version: n, magic: 1 },
        schemaValue('b', n, n),
      );
      return { at, seen: applied.some((r) => r.offset === at && r.key.version === n) };
    });
    const results = await Promise.all(writes);
    expect(results.every((r) => r.seen)).toBe(true);
    expect(new Set(results.map((r) => r.at)).size).toBe(5);
    expect(applied.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
  });

  it('refuses an existing topic with more than one partition, or without compaction', async () => {
    const multi = kit.newTopic();
    const deleting = kit.newTopic();
    await kit.createTopic(multi, 3, 'compact');
    await kit.createTopic(deleting, 1, 'delete');

    const onMulti = kit.newLog(multi);
    const multiError = await onMulti.start(() => undefined).catch((e: unknown) => e);
    expect(multiError).toBeInstanceOf(SchemaStorageError);
    expect(multiError).toMatchObject({ code: 'TOPIC_MISCONFIGURED', retriable: false });
    expect((multiError as Error).message).toMatch(
      `The topic ${multi} must have exactly 1 partition but has 3`,
    );
    expect(onMulti.state).toBe('failed');
    expect(onMulti.isCaughtUp()).toBe(false);

    const onDeleting = kit.newLog(deleting);
    await expect(onDeleting.start(() => undefined)).rejects.toThrow(
      `The topic ${deleting} has cleanup.policy=delete`,
    );
    const metadata = await kit.admin.fetchTopicMetadata({ topics: [multi] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('stops idempotently, deletes its reader group, and refuses appends afterwards', async () => {
    const log = kit.newLog(kit.newTopic());
    await log.start(() => undefined);
    const readerGroupId = log.readerGroupId;
    expect(readerGroupId).toMatch(/-reader-[0-9a-f]{16}$/);
    const groupsWhileRunning = await kit.admin.listGroups();
    expect(groupsWhileRunning.groups.map((g) => g.groupId)).toContain(readerGroupId);

    await Promise.all([log.stop(), log.stop()]);
    await log.stop();
    expect(log.state).toBe('stopped');
    expect(log.isCaughtUp()).toBe(false);
    const groupsAfter = await kit.admin.listGroups();
    expect(groupsAfter.groups.map((g) => g.groupId)).not.toContain(readerGroupId);
    await expect(log.append({ keytype: 'NOOP', magic: 0 }, null)).rejects.toMatchObject({
      code: 'NOT_RUNNING',
    });
    await expect(log.waitUntilCaughtUp()).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });
});
