/**
 * KafkaSchemaLog on the real broker: the bytes it writes are Confluent's, the topic is one
 * compacted partition, a new instance rebuilds the same history, appends are read back before
 * they resolve, and records it cannot use are skipped without stopping the rebuild.
 */
import { spawnSync } from 'node:child_process';
import { ConfigResourceTypes, type Admin, type Kafka, type KafkaMessage } from 'kafkajs';
import { testBrokers, testKafka, uniqueName, waitFor } from '@app/testing';
import { KafkaSchemaLog } from '../src/storage/kafka-schema-log';
import type { SchemaLogRecord } from '../src/storage/schema-log.port';
import { SchemaStorageError } from '../src/storage/schema-storage-errors';

interface CollectedLogs {
  readonly warnings: string[];
  readonly errors: string[];
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

function collectingLogger(): CollectedLogs {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    log: () => undefined,
    warn: (m) => warnings.push(m),
    error: (m) => errors.push(m),
  };
}

const schemaValue = (subject: string, version: number, id: number) => ({
  subject,
  version,
  id,
  schema: '"string"',
  deleted: false,
});

describe('KafkaSchemaLog (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;
  const logs: KafkaSchemaLog[] = [];
  const topics: string[] = [];

  beforeAll(async () => {
    kafka = testKafka('schema-log-test');
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.stop()));
  });

  afterAll(async () => {
    const existing = await admin.listTopics();
    await admin.deleteTopics({ topics: topics.filter((t) => existing.includes(t)) });
    await admin.disconnect();
  });

  function newTopic(): string {
    const topic = uniqueName('schemas');
    topics.push(topic);
    return topic;
  }

  function newLog(topic: string, logger = collectingLogger()): KafkaSchemaLog {
    const log = new KafkaSchemaLog(kafka, { topic, logger, startTimeoutMs: 30_000 });
    logs.push(log);
    return log;
  }

  async function readRaw(topic: string, count: number): Promise<KafkaMessage[]> {
    const consumer = kafka.consumer({ groupId: uniqueName('raw-reader'), maxWaitTimeInMs: 500 });
    const seen: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => void seen.push(message) });
      await waitFor(() => seen.length >= count, { description: `${count} raw records`, timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  /**
   * Appends `count` SCHEMA records of ~200 KB each from a separate process, synchronously: this
   * process (and so the log's reader) cannot run until they are all on the broker, and
   * reading them back takes several fetches.
   */
  function writeFromAnotherProcess(topic: string, count: number): void {
    const script = `
      const { Kafka, logLevel } = require('kafkajs');
      const [topic, count, brokers] = process.argv.slice(1);
      (async () => {
        const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        for (let version = 1; version <= Number(count); version++) {
          const key = '{"keytype":"SCHEMA","subject":"other","version":' + version + ',"magic":1}';
          const value = { subject: 'other', version, id: 40 + version, schema: 'x'.repeat(200000), deleted: false };
          await producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(value) }] });
        }
        await producer.disconnect();
      })().catch((error) => { console.error(error); process.exit(1); });`;
    const result = spawnSync(
      process.execPath,
      ['-e', script, topic, String(count), testBrokers().join(',')],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    if (result.status !== 0) throw new Error(`the writer process failed: ${result.stderr}`);
  }

  it('starts on a new topic at once and creates it with one compacted partition', async () => {
    const topic = newTopic();
    const log = newLog(topic);
    expect(log.state).toBe('idle');
    await log.start(() => undefined);
    expect(log.state).toBe('ready');
    expect(log.isCaughtUp()).toBe(true);
    expect(log.appliedOffset).toBe(-1n);

    const { brokers } = await admin.describeCluster();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(1);
    expect(metadata.topics[0]?.partitions[0]?.replicas).toHaveLength(Math.min(3, brokers.length));
    const configs = await admin.describeConfigs({
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
    const topic = newTopic();
    const log = newLog(topic);
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

    const raw = await readRaw(topic, 5);
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
    const log = newLog(newTopic());
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

  it('rebuilds the identical history, in order, in a new instance after a restart', async () => {
    const topic = newTopic();
    const first = newLog(topic);
    const written: SchemaLogRecord[] = [];
    await first.start((record) => written.push(record));
    await first.append({ keytype: 'CONFIG', subject: null, magic: 0 }, { compatibilityLevel: 'BACKWARD' });
    await first.append({ keytype: 'SCHEMA', subject: 'x', version: 1, magic: 1 }, schemaValue('x', 1, 1));
    await first.append({ keytype: 'SCHEMA', subject: 'x', version: 2, magic: 1 }, schemaValue('x', 2, 2));
    await first.append({ keytype: 'SCHEMA', subject: 'x', version: 1, magic: 1 }, null);
    await first.append({ keytype: 'MODE', subject: 'x', magic: 0 }, { mode: 'READONLY' });
    await first.stop();
    expect(written).toHaveLength(5);

    const second = newLog(topic);
    const rebuilt: SchemaLogRecord[] = [];
    await second.start((record) => rebuilt.push(record));
    // start() resolves only after the whole history is applied: no waiting here.
    expect(rebuilt).toEqual(written);
    expect(rebuilt[3]).toEqual({
      key: { keytype: 'SCHEMA', subject: 'x', version: 1, magic: 1 },
      value: null,
      offset: 3n,
    });
    expect(second.appliedOffset).toBe(4n);
  });

  it('waitUntilCaughtUp() waits for records another writer appended before the call', async () => {
    const topic = newTopic();
    const log = newLog(topic);
    const applied: SchemaLogRecord[] = [];
    await log.start((record) => applied.push(record));

    writeFromAnotherProcess(topic, 12);
    // Nothing of it can have been read yet: this process was blocked while the other one wrote.
    const caughtUp = log.waitUntilCaughtUp();
    expect(applied).toHaveLength(0);
    await caughtUp;
    expect(applied.map((r) => [r.offset, r.key.subject, r.key.version, r.value?.['id']])).toEqual(
      Array.from({ length: 12 }, (_, i) => [BigInt(i), 'other', i + 1, 41 + i]),
    );
  });

  it('bounds waitUntilCaughtUp() with a retriable timeout, and keeps reading afterwards', async () => {
    const topic = newTopic();
    const log = new KafkaSchemaLog(kafka, { topic, logger: collectingLogger(), catchUpTimeoutMs: 1 });
    logs.push(log);
    const applied: SchemaLogRecord[] = [];
    await log.start((record) => applied.push(record));

    writeFromAnotherProcess(topic, 12);
    const error = await log.waitUntilCaughtUp().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaStorageError);
    expect(error).toMatchObject({ code: 'CATCH_UP_TIMEOUT', retriable: true });
    expect((error as Error).message).toMatch(`The ${topic} reader did not reach`);
    await waitFor(() => applied.length === 12, { description: 'the reader to go on after the timeout' });
    expect(log.isCaughtUp()).toBe(true);
  });

  it('skips unparsable records with a warning, ignores unknown key types, and still finishes the rebuild', async () => {
    const topic = newTopic();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: '{"keytype":"SCHEMA","subject":"ok","version":1,"magic":1}',
          value: JSON.stringify(schemaValue('ok', 1, 7)),
        },
        { key: 'not json at all', value: '{}' },
        { key: '{"keytype":"SCHEMA","subject":"bad","version":1,"magic":1}', value: '{"truncated":' },
        { key: '{"keytype":"CONFIG","subject":"ok","magic":0}', value: '{"compatibilityLevel":"NONE"}' },
        // Written last on purpose: the end offset belongs to a record that never reaches apply.
        { key: '{"keytype":"CONTEXT","tenant":"t","context":".","magic":0}', value: '{}' },
      ],
    });
    await producer.disconnect();

    const logger = collectingLogger();
    const log = newLog(topic, logger);
    const applied: SchemaLogRecord[] = [];
    await log.start((record) => applied.push(record));
    expect(applied.map((r) => [r.offset, r.key.keytype, r.key.subject])).toEqual([
      [0n, 'SCHEMA', 'ok'],
      [3n, 'CONFIG', 'ok'],
    ]);
    expect(log.appliedOffset).toBe(4n);
    expect(logger.warnings).toEqual([
      expect.stringMatching(/record 1 .*key is not a JSON object/),
      expect.stringMatching(/record 2 .*value is neither null nor a JSON object/),
    ]);
  });

  it('finishes the rebuild when the log ends in a transaction marker, which has an offset but no record', async () => {
    const topic = newTopic();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const producer = kafka.producer({
      transactionalId: uniqueName('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({
      topic,
      messages: [{ key: '{"keytype":"NOOP","magic":0}', value: null }],
    });
    await transaction.commit();
    await producer.disconnect();
    // The record at 0 and the commit marker at 1: the end offset counts both, once the
    // coordinator has written the marker (commit() returns before that).
    await waitFor(async () => (await admin.fetchTopicOffsets(topic))[0]?.high === '2', {
      description: 'the commit marker',
    });

    const log = newLog(topic);
    const applied: SchemaLogRecord[] = [];
    await log.start((record) => applied.push(record));
    expect(applied.map((r) => r.offset)).toEqual([0n]);
    expect(log.appliedOffset).toBe(1n);
  });

  it('refuses an existing topic with more than one partition, or without compaction', async () => {
    const multi = newTopic();
    const deleting = newTopic();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: multi, numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { topic: deleting, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] },
      ],
    });

    const onMulti = newLog(multi);
    const multiError = await onMulti.start(() => undefined).catch((e: unknown) => e);
    expect(multiError).toBeInstanceOf(SchemaStorageError);
    expect(multiError).toMatchObject({ code: 'TOPIC_MISCONFIGURED', retriable: false });
    expect((multiError as Error).message).toMatch(
      `The topic ${multi} must have exactly 1 partition but has 3`,
    );
    expect(onMulti.state).toBe('failed');
    expect(onMulti.isCaughtUp()).toBe(false);

    const onDeleting = newLog(deleting);
    await expect(onDeleting.start(() => undefined)).rejects.toThrow(
      `The topic ${deleting} has cleanup.policy=delete`,
    );
    const metadata = await admin.fetchTopicMetadata({ topics: [multi] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('stops idempotently, deletes its reader group, and refuses appends afterwards', async () => {
    const log = newLog(newTopic());
    await log.start(() => undefined);
    const readerGroupId = log.readerGroupId;
    expect(readerGroupId).toMatch(/-reader-[0-9a-f]{16}$/);
    const groupsWhileRunning = await admin.listGroups();
    expect(groupsWhileRunning.groups.map((g) => g.groupId)).toContain(readerGroupId);

    await Promise.all([log.stop(), log.stop()]);
    await log.stop();
    expect(log.state).toBe('stopped');
    expect(log.isCaughtUp()).toBe(false);
    const groupsAfter = await admin.listGroups();
    expect(groupsAfter.groups.map((g) => g.groupId)).not.toContain(readerGroupId);
    await expect(log.append({ keytype: 'NOOP', magic: 0 }, null)).rejects.toMatchObject({
      code: 'NOT_RUNNING',
    });
    await expect(log.waitUntilCaughtUp()).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });
});
