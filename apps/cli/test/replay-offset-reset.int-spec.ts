/**
 * `herald replay --group <g> --to-time <time>` run as a user runs it, on real Kafka: the group's
 * committed offsets move to the first record at or after the time (records written at known
 * timestamps in two batches); --dry-run and a non-interactive run without --yes change nothing;
 * a group with a running consumer is refused with exit 1 and keeps its offsets.
 */
import type { Consumer } from 'kafkajs';
import { testKafka, uniqueName, waitFor } from '@app/testing';
import { herald } from './spec-support/herald-process';

jest.setTimeout(120_000);

const topic = uniqueName('reset.payment.received');
const kafka = testKafka();
const firstBatchAt = Date.now() - 20 * 60_000;
const secondBatchAt = Date.now() - 10 * 60_000;
/** Between the batches: the reset target is the second batch's first record in each partition. */
const between = new Date(Date.now() - 15 * 60_000).toISOString();
/** First batch: 3 records on partition 0 (offsets 0-2), 2 on partition 1 (0-1); second: 2 + 1. */
const END = { 0: '5', 1: '3' };
const SECOND_BATCH_START = { 0: '3', 1: '2' };

function batch(at: number, counts: Record<number, number>, label: string) {
  return Object.entries(counts).flatMap(([partition, count]) =>
    Array.from({ length: count }, (_, i) => ({
      partition: Number(partition),
      key: `${label}-${partition}-${i}`,
      value: label,
      timestamp: String(at + i),
    })),
  );
}

async function committed(group: string): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries(offsets?.partitions.map((p) => [p.partition, p.offset]) ?? []);
  } finally {
    await admin.disconnect();
  }
}

/** A consumer of `group` that has read and committed the whole topic; it keeps running. */
async function caughtUpConsumer(group: string): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: group });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => undefined });
  await waitFor(async () => JSON.stringify(await committed(group)) === JSON.stringify(END), {
    timeoutMs: 40_000,
    intervalMs: 250,
    description: `${group} to commit the end of ${topic}`,
  });
  return consumer;
}

/** A group that read everything and whose consumers stopped: the state a reset expects. */
async function stoppedGroup(): Promise<string> {
  const group = uniqueName('reset-group');
  const consumer = await caughtUpConsumer(group);
  await consumer.disconnect();
  return group;
}

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: batch(firstBatchAt, { 0: 3, 1: 2 }, 'first') });
  await producer.send({ topic, acks: -1, messages: batch(secondBatchAt, { 0: 2, 1: 1 }, 'second') });
  await producer.disconnect();
});

describe('herald replay --group --to-time', () => {
  it('moves the group to the first record at or after the time, with --yes', async () => {
    const group = await stoppedGroup();
    const run = await herald(['replay', '--group', group, '--to-time', between, '--yes']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${topic} \\[0\\] +5 → 3 +re-reads 2 record\\(s\\)`));
    expect(run.stdout).toMatch(new RegExp(`${topic} \\[1\\] +3 → 2 +re-reads 1 record\\(s\\)`));
    expect(run.stdout).toContain('3 record(s) will be read again');
    expect(run.stdout).toContain(`Reset consumer group ${group}`);
    expect(await committed(group)).toEqual(SECOND_BATCH_START);

    // The group really re-reads the second batch, and only it.
    const seen: string[] = [];
    const consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.key)) });
    try {
      await waitFor(() => seen.length >= 3, { timeoutMs: 30_000, description: 'the re-read records' });
    } finally {
      await consumer.disconnect();
    }
    expect(seen.sort()).toEqual(['second-0-0', 'second-0-1', 'second-1-0']);
  });

  it('sends a partition to its end for a time after its last record, and says so (--topic, --format json)', async () => {
    const group = await stoppedGroup();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const run = await herald([
      'replay',
      '--group',
      group,
      '--to-time',
      future,
      '--topic',
      topic,
      '--yes',
      '--format',
      'json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { applied: boolean; reread: number; partitions: unknown[] };
    expect(result).toMatchObject({ group, applied: true, dryRun: false, reread: 0 });
    expect(result.partitions).toEqual([
      { topic, partition: 0, current: '5', target: '5', toEnd: true, reread: 0 },
      { topic, partition: 1, current: '3', target: '3', toEnd: true, reread: 0 },
    ]);
    expect(await committed(group)).toEqual(END);

    const text = await herald(['replay', '--group', group, '--to-time', future, '--dry-run']);
    expect(text.stdout).toContain('end of the partition: no record at or after that time');
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const group = await stoppedGroup();
    const run = await herald(['replay', '--group', group, '--to-time', between, '--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${topic} \\[0\\] +5 → 3`));
    expect(run.stdout).toContain('Dry run: nothing was changed.');
    expect(await committed(group)).toEqual(END);
  });

  it('refuses without --yes when not interactive (exit 2) and changes nothing', async () => {
    const group = await stoppedGroup();
    const run = await herald(['replay', '--group', group, '--to-time', between]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('refusing without --yes when not interactive');
    expect(await committed(group)).toEqual(END);
  });

  it('refuses while the group has a running consumer (exit 1) and changes nothing', async () => {
    const group = uniqueName('reset-active');
    const consumer = await caughtUpConsumer(group);
    try {
      const run = await herald(['replay', '--group', group, '--to-time', between, '--yes']);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`consumer group "${group}" is active`);
      expect(run.stderr).toContain('1 member(s)');
      expect(run.stderr).toContain('stop its consumers');
      expect(run.stdout).toBe('');
      expect(await committed(group)).toEqual(END);
    } finally {
      await consumer.disconnect();
    }
  });

  it('refuses bad input with exit 2', async () => {
    const badTime = await herald(['replay', '--group', 'g', '--to-time', '27/11/2026', '--yes']);
    expect(badTime.status).toBe(2);
    expect(badTime.stderr).toContain('RFC 3339');

    const mixed = await herald(['replay', '--dlq', `${topic}.dlq.x`, '--group', 'g', '--to-time', between]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain('different operations');

    const noTopics = await herald(['replay', '--group', uniqueName('never'), '--to-time', between, '--yes']);
    expect(noTopics.status).toBe(2);
    expect(noTopics.stderr).toContain('--topic');

    const unknownTopic = await herald([
      'replay',
      '--group',
      uniqueName('never'),
      '--to-time',
      between,
      '--topic',
      uniqueName('no.such.topic'),
      '--dry-run',
    ]);
    expect(unknownTopic.status).toBe(2);
    expect(unknownTopic.stderr).toContain('does not exist');
  });
});
