/**
 * KafkaSchemaLog reading on the real broker: a new instance rebuilds the same history in
 * order, waits bounded for records other writers appended, and finishes its rebuild past
 * records it cannot use and past transaction markers that have an offset but no record.
 */
import { uniqueName, waitFor } from '@app/testing';
import type { SchemaLogRecord } from '../src/registry/schema-log.port';
import { SchemaStorageError } from '../src/storage/schema-storage-errors';
import { collectingLogger, schemaValue, SchemaLogTestKit } from './schema-log-test-kit';

describe('KafkaSchemaLog reading (real broker)', () => {
  const kit = SchemaLogTestKit.register();

  it('rebuilds the identical history, in order, in a new instance after a restart', async () => {
    const topic = kit.newTopic();
    const first = kit.newLog(topic);
    const written: SchemaLogRecord[] = [];
    await first.start((record) => written.push(record));
    await first.append({ keytype: 'CONFIG', subject: null, magic: 0 }, { compatibilityLevel: 'BACKWARD' });
    await first.append({ keytype: 'SCHEMA', subject: 'x', version: 1, magic: 1 }, schemaValue('x', 1, 1));
    await first.append({ keytype: 'SCHEMA', subject: 'x', version: 2, magic: 1 }, schemaValue('x', 2, 2));
    await first.append({ keytype: 'SCHEMA', subject: 'x', version: 1, magic: 1 }, null);
    await first.append({ keytype: 'MODE', subject: 'x', magic: 0 }, { mode: 'READONLY' });
    await first.stop();
    expect(written).toHaveLength(5);

    const second = kit.newLog(topic);
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
    const topic = kit.newTopic();
    const log = kit.newLog(topic);
    const applied: SchemaLogRecord[] = [];
    await log.start((record) => applied.push(record));

    kit.writeFromAnotherProcess(topic, 12);
    // Nothing of it can have been read yet: this process was blocked while the other one wrote.
    const caughtUp = log.waitUntilCaughtUp();
    expect(applied).toHaveLength(0);
    await caughtUp;
    expect(applied.map((r) => [r.offset, r.key.subject, r.key.version, r.value?.['id']])).toEqual(
      Array.from({ length: 12 }, (_, i) => [BigInt(i), 'other', i + 1, 41 + i]),
    );
  });

  it('bounds waitUntilCaughtUp() with a retriable timeout, and keeps reading afterwards', async () => {
    const topic = kit.newTopic();
    const log = kit.newLog(topic, { catchUpTimeoutMs: 1 });
    const applied: SchemaLogRecord[] = [];
    await log.start((record) => applied.push(record));

    kit.writeFromAnotherProcess(topic, 12);
    const error = await log.waitUntilCaughtUp().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaStorageError);
    expect(error).toMatchObject({ code: 'CATCH_UP_TIMEOUT', retriable: true });
    expect((error as Error).message).toMatch(`The ${topic} reader did not reach`);
    await waitFor(() => applied.length === 12, { description: 'the reader to go on after the timeout' });
    expect(log.isCaughtUp()).toBe(true);
  });

  it('skips unparsable records with a warning, ignores unknown key types, and still finishes the rebuild', async () => {
    const topic = kit.newTopic();
    await kit.createTopic(topic, 1, 'compact');
    const producer = kit.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
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
    const log = kit.newLog(topic, { logger });
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
    const topic = kit.newTopic();
    await kit.createTopic(topic, 1, 'compact');
    const producer = kit.kafka.producer({
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
    await waitFor(async () => (await kit.admin.fetchTopicOffsets(topic))[0]?.high === '2', {
      description: 'the commit marker',
    });

    const log = kit.newLog(topic);
    const applied: SchemaLogRecord[] = [];
    await log.start((record) => applied.push(record));
    expect(applied.map((r) => r.offset)).toEqual([0n]);
    expect(log.appliedOffset).toBe(1n);
  });
});
