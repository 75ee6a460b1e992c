/**
 * What the KafkaSchemaLog integration tests share: a client on the test broker, throw-away
 * topics (deleted afterwards), logs that are always stopped, a plain consumer that reads raw
 * bytes, and writers that are not the log under test.
 */
import { spawnSync } from 'node:child_process';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { testBrokers, testKafka, uniqueName, waitFor } from '@app/testing';
import { KafkaSchemaLog, type KafkaSchemaLogOptions } from '../src/storage/kafka-schema-log';

export interface CollectingLogger {
  readonly warnings: string[];
  readonly errors: string[];
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function collectingLogger(): CollectingLogger {
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

export const schemaValue = (subject: string, version: number, id: number) => ({
  subject,
  version,
  id,
  schema: '"string"',
  deleted: false,
});

export class SchemaLogTestKit {
  readonly kafka: Kafka = testKafka('schema-log-test');
  readonly admin: Admin = this.kafka.admin();
  private readonly logs: KafkaSchemaLog[] = [];
  private readonly topics: string[] = [];

  /** Registers the connect, stop-every-log and delete-every-topic hooks on the current describe. */
  static register(): SchemaLogTestKit {
    const kit = new SchemaLogTestKit();
    beforeAll(() => kit.admin.connect());
    afterEach(() => kit.stopLogs());
    afterAll(() => kit.cleanUp());
    return kit;
  }

  newTopic(): string {
    const topic = uniqueName('schemas');
    this.topics.push(topic);
    return topic;
  }

  newLog(topic: string, options: Omit<KafkaSchemaLogOptions, 'topic'> = {}): KafkaSchemaLog {
    const log = new KafkaSchemaLog(this.kafka, { logger: collectingLogger(), ...options, topic });
    this.logs.push(log);
    return log;
  }

  /** Creates `topic` as an operator would, bypassing the log's own topic creation. */
  async createTopic(topic: string, partitions: number, cleanupPolicy: string): Promise<void> {
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: partitions,
          configEntries: [{ name: 'cleanup.policy', value: cleanupPolicy }],
        },
      ],
    });
  }

  /** The first `count` records of `topic` as bytes, read by a plain kafkajs consumer. */
  async readRaw(topic: string, count: number): Promise<KafkaMessage[]> {
    const consumer = this.kafka.consumer({ groupId: uniqueName('raw-reader'), maxWaitTimeInMs: 500 });
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
   * Appends `count` SCHEMA records (subject `other`, versions 1.., ids 41..) of ~200 KB each
   * from a separate process, synchronously: this process, and so the log's reader, cannot run
   * until they are all on the broker, and reading them back takes several fetches.
   */
  writeFromAnotherProcess(topic: string, count: number): void {
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
    const args = ['-e', script, topic, String(count), testBrokers().join(',')];
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
    if (result.status !== 0) throw new Error(`the writer process failed: ${result.stderr}`);
  }

  private async stopLogs(): Promise<void> {
    await Promise.all(this.logs.splice(0).map((log) => log.stop()));
  }

  private async cleanUp(): Promise<void> {
    const existing = await this.admin.listTopics();
    await this.admin.deleteTopics({ topics: this.topics.filter((t) => existing.includes(t)) });
    await this.admin.disconnect();
  }
}
