/**
 * `herald replay` run as a user runs it, on real Kafka: dead letters (original key, value bytes and
 * headers plus herald_dlq_*) go back to their original topic byte for byte with a
 * herald_replayed_from header; --dry-run writes nothing; --id replays only the chosen records and
 * the others stay replayable; a second run replays nothing.
 */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { testKafka, uniqueIdentifier, uniqueName, waitFor } from '@app/testing';
import { herald } from './spec-support/herald-process';

jest.setTimeout(120_000);

const topic = `${uniqueIdentifier('replay').replace(/_/g, '')}.payment.received`;
const dlq = `${topic}.dlq.audit`;
const kafka = testKafka();

interface DeadLetter {
  readonly partition: number;
  readonly key: Buffer;
  readonly value: Buffer;
  readonly headers: Record<string, Buffer>;
}

function deadLetter(partition: number, n: number): DeadLetter {
  return {
    partition,
    key: Buffer.from(`payment-${n}`),
    // Not even valid Avro: replay copies bytes, it never decodes them.
    value: Buffer.from([0, 0, 0, 0, 7, 0xff, n, 0x00, 0x80]),
    headers: {
      ce_specversion: Buffer.from('1.0'),
      ce_id: Buffer.from(`evt-${n}`),
      ce_type: Buffer.from(topic),
      ce_source: Buffer.from('cli-test'),
      ce_time: Buffer.from('2026-11-27T10:15:00.000Z'),
      traceparent: Buffer.from(`00-${'a'.repeat(31)}${n}-${'b'.repeat(16)}-01`),
      herald_dlq_error: Buffer.from('handler failed: boom'),
      herald_dlq_error_kind: Buffer.from('HANDLER'),
      herald_dlq_retriable: Buffer.from('false'),
      herald_dlq_attempts: Buffer.from('5'),
      herald_dlq_topic: Buffer.from(topic),
      herald_dlq_partition: Buffer.from('0'),
      herald_dlq_offset: Buffer.from(String(n)),
      herald_dlq_group: Buffer.from('audit'),
      herald_dlq_time: Buffer.from(new Date().toISOString()),
    },
  };
}

const letters = [deadLetter(0, 1), deadLetter(0, 2), deadLetter(1, 3)];

async function readTopic(name: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('replay-check') });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  try {
    await waitFor(() => seen.length >= count, {
      timeoutMs: 30_000,
      description: `${count} records on ${name}`,
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

async function recordCount(name: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(name)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: 1 },
      { topic: dlq, numPartitions: 2 },
    ],
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: dlq, acks: -1, messages: letters.map((l) => ({ ...l })) });
  await producer.disconnect();
});

describe('herald replay', () => {
  it('--dry-run lists the records and writes or commits nothing', async () => {
    const run = await herald(['replay', '--dlq', dlq, '--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.match(/^would replay/gm)).toHaveLength(3);
    expect(run.stdout).toContain(`id=evt-2  → ${topic}`);
    expect(run.stdout).toContain('Would replay 3 record(s)');
    expect(await recordCount(topic)).toBe(0);
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: `herald-replay.${dlq}`, topics: [dlq] });
    await admin.disconnect();
    expect(committed?.partitions.map((p) => p.offset)).toEqual(['-1', '-1']);
  });

  it('replays the chosen ids, then the rest, each once, with the original key, bytes and headers', async () => {
    const chosen = await herald(['replay', '--dlq', dlq, '--id', 'evt-2']);
    expect(chosen.status).toBe(0);
    expect(chosen.stdout).toMatch(/^replayed +\[0\] @1 +id=evt-2/m);
    expect(chosen.stdout).toContain('Replayed 1 record(s)');
    expect(await recordCount(topic)).toBe(1);

    const rest = await herald(['replay', '--dlq', dlq, '--format', 'json']);
    expect(rest.stderr).toBe('');
    expect(rest.status).toBe(0);
    const summary = JSON.parse(rest.stdout) as {
      replayed: number;
      alreadyReplayed: number;
      records: { id: string }[];
    };
    expect(summary).toMatchObject({ replayed: 2, alreadyReplayed: 1, dryRun: false });
    expect(summary.records.map((r) => r.id).sort()).toEqual(['evt-1', 'evt-3']);

    const replayed = await readTopic(topic, 3);
    expect(replayed).toHaveLength(3);
    for (const letter of letters) {
      const copy = replayed.find((m) => m.key?.equals(letter.key));
      expect(copy?.value?.equals(letter.value)).toBe(true);
      const expected = Object.fromEntries(
        Object.entries(letter.headers)
          .filter(([name]) => !name.startsWith('herald_dlq_'))
          .map(([name, value]) => [name, value.toString()]),
      );
      const offset = letter === letters[1] ? 1 : 0;
      expect(textHeaders(copy?.headers)).toEqual({
        ...expected,
        herald_replayed_from: `${dlq}/${letter.partition}/${offset}`,
      });
    }
  });

  it('replays nothing the second time', async () => {
    const again = await herald(['replay', '--dlq', dlq]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('Replayed 0 record(s)');
    expect(await recordCount(topic)).toBe(3);
  });

  it('refuses bad input with exit 2', async () => {
    const missing = await herald(['replay', '--dlq', `${topic}.dlq.nobody`]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('does not exist');

    const backwards = await herald(['replay', '--dlq', dlq, '--since', '1h', '--until', '2h']);
    expect(backwards.status).toBe(2);
    expect(backwards.stderr).toContain('--since must be earlier than --until');

    const noDlq = await herald(['replay', '--group', 'g', '--to-time', '2026-01-01T00:00:00Z']);
    expect(noDlq.status).toBe(2);
  });
});
