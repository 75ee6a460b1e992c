/**
 * `herald tail` run as a user runs it, on real Kafka and a real registry: records written in the
 * Confluent wire format are printed as Herald JSON with their envelope, an undecodable record is
 * printed as an error in its place (exit 1), --as-version (alias --version) resolves to a reader
 * schema, --since, --partition and --offset choose the start, --group reads from and commits a group's
 * position, and following until Ctrl-C leaves no consumer group behind.
 */
import {
  startTestRegistry,
  testKafka,
  uniqueIdentifier,
  uniqueName,
  waitFor,
  type TestRegistry,
} from '@app/testing';
import type { Producer } from 'kafkajs';
import { cloudEventHeaders, paymentData, PaymentRecords } from './spec-support/event-records';
import { herald, startHerald } from './spec-support/herald-process';

jest.setTimeout(120_000);

const topic = `${uniqueIdentifier('tail').replace(/_/g, '')}.payment.received`;
let registry: TestRegistry;
let records: PaymentRecords;
let producer: Producer;
let env: Record<string, string>;

interface TailLine {
  id?: string;
  partition: number;
  offset: string;
  key: string | null;
  version?: number;
  readerVersion?: number;
  headers: Record<string, string>;
  data?: Record<string, unknown>;
  error?: { code: string; message: string };
}

const parse = (stdout: string): TailLine[] =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as TailLine);

beforeAll(async () => {
  registry = await startTestRegistry();
  env = { SCHEMA_REGISTRY_URL: registry.url };
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  records = await PaymentRecords.register(registry.url, topic);
  producer = kafka.producer();
  await producer.connect();
  const twoHoursAgo = String(Date.now() - 2 * 3_600_000);
  await producer.send({
    topic,
    acks: -1,
    messages: [
      {
        partition: 0,
        key: 'p-1',
        value: records.value(2, paymentData(1)),
        headers: cloudEventHeaders(topic, 'evt-1'),
      },
      {
        partition: 0,
        key: 'p-2',
        value: records.value(1, paymentData(2)),
        headers: cloudEventHeaders(topic, 'evt-2'),
      },
      {
        partition: 0,
        key: 'p-3',
        value: Buffer.from('{"not":"avro"}'),
        headers: cloudEventHeaders(topic, 'evt-3'),
      },
      {
        partition: 0,
        key: 'p-4',
        value: records.value(2, paymentData(4)),
        headers: cloudEventHeaders(topic, 'evt-4'),
      },
      {
        partition: 1,
        key: 'p-5',
        value: records.value(2, paymentData(5, 'DIRECT_DEBIT')),
        headers: cloudEventHeaders(topic, 'evt-5'),
        timestamp: twoHoursAgo,
      },
      {
        partition: 1,
        key: 'p-6',
        value: records.value(2, paymentData(6)),
        headers: cloudEventHeaders(topic, 'evt-6'),
      },
    ],
  });
});

afterAll(async () => {
  await producer?.disconnect();
  await registry?.stop();
});

describe('herald tail', () => {
  it('prints decoded events with their envelope and an undecodable record as an error, in order', async () => {
    const run = await herald(
      ['tail', topic, '--from-beginning', '--partition', '0', '--limit', '4', '--format', 'json'],
      { env },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('1 of 4 record(s) could not be decoded');
    const lines = parse(run.stdout);
    expect(lines.map((l) => [l.offset, l.id ?? l.error?.code])).toEqual([
      ['0', 'evt-1'],
      ['1', 'evt-2'],
      ['2', 'BAD_MAGIC_BYTE'],
      ['3', 'evt-4'],
    ]);
    const [first, second, bad] = lines as [TailLine, TailLine, TailLine];
    expect(first).toMatchObject({
      id: 'evt-1',
      type: topic,
      source: 'cli-test',
      time: '2026-11-27T10:15:00.000Z',
      version: 2,
      topic,
      partition: 0,
      key: 'p-1',
      headers: { ce_id: 'evt-1', ce_specversion: '1.0', ce_type: topic },
      data: { ...paymentData(1), amount_minor: 1001 },
    });
    expect(second).toMatchObject({ version: 1, data: { amount_minor: 1002, method: 'CARD' } });
    expect(bad).toMatchObject({ key: 'p-3', headers: { ce_id: 'evt-3' }, error: { code: 'BAD_MAGIC_BYTE' } });
    expect(bad.data).toBeUndefined();
  });

  it('reads as an older version (--as-version) and starts at a time (--since)', async () => {
    const asV1 = await herald(
      [
        'tail',
        topic,
        '--from-beginning',
        '--partition',
        '1',
        '--limit',
        '1',
        '--as-version',
        '1',
        '--format',
        'json',
      ],
      { env },
    );
    expect(asV1.stderr).toBe('');
    expect(asV1.status).toBe(0);
    // v2 wrote DIRECT_DEBIT; a v1 reader sees the enum's default.
    const [v1] = parse(asV1.stdout);
    expect(parse(asV1.stdout)).toHaveLength(1);
    expect(v1).toMatchObject({ id: 'evt-5', version: 2, readerVersion: 1 });
    expect(v1?.data?.['method']).toBe('UNKNOWN');
    expect(parse(asV1.stdout)[0]?.data).not.toHaveProperty('card');

    const recent = await herald(
      ['tail', topic, '--since', '1h', '--partition', '1', '--limit', '1', '--format', 'json'],
      { env },
    );
    expect(recent.status).toBe(0);
    expect(parse(recent.stdout).map((l) => l.id)).toEqual(['evt-6']);
  });

  it('--partition with --offset prints exactly the record at those coordinates', async () => {
    const one = await herald(
      ['tail', topic, '--partition', '0', '--offset', '3', '--limit', '1', '--format', 'json'],
      { env },
    );
    expect(one.stderr).toBe('');
    expect(one.status).toBe(0);
    expect(parse(one.stdout).map((l) => [l.partition, l.offset, l.id])).toEqual([[0, '3', 'evt-4']]);

    // From an offset onwards, in order, the undecodable record in its place.
    const from = await herald(
      ['tail', topic, '--partition', '0', '--offset', '1', '--limit', '3', '--format', 'json'],
      { env },
    );
    expect(from.status).toBe(1);
    expect(parse(from.stdout).map((l) => [l.offset, l.id ?? l.error?.code])).toEqual([
      ['1', 'evt-2'],
      ['2', 'BAD_MAGIC_BYTE'],
      ['3', 'evt-4'],
    ]);
  });

  it('prints text for people', async () => {
    const run = await herald(
      ['tail', topic, '--from-beginning', '--partition', '0', '--limit', '3', '--format', 'text'],
      { env },
    );
    expect(run.stdout).toContain(`${topic} [0] @0`);
    expect(run.stdout).toContain('id=evt-1');
    expect(run.stdout).toContain('"amount_minor": 1001');
    expect(run.stdout).toContain('cannot decode (BAD_MAGIC_BYTE)');
  });

  it("--group reads from the group's committed position and commits what it printed", async () => {
    const group = uniqueName('tail-group');
    const args = ['tail', topic, '--group', group, '--from-beginning', '--partition', '0', '--limit', '2'];
    const first = await herald([...args, '--format', 'json'], { env });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(parse(first.stdout).map((l) => l.offset)).toEqual(['0', '1']);

    // The second run continues where the first stopped (offset 2 is the undecodable record);
    // --version is still accepted as the former name of --as-version.
    const second = await herald([...args, '--version', '1', '--format', 'json'], { env });
    expect(second.status).toBe(1);
    expect(parse(second.stdout).map((l) => [l.offset, l.id ?? l.error?.code])).toEqual([
      ['2', 'BAD_MAGIC_BYTE'],
      ['3', 'evt-4'],
    ]);
    expect(parse(second.stdout)[1]).toMatchObject({ version: 2, readerVersion: 1 });

    const admin = testKafka().admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    await admin.disconnect();
    expect(offsets?.partitions.find((p) => p.partition === 0)?.offset).toBe('4');
  });

  it('follows new records until Ctrl-C, then exits 0 and leaves no consumer group', async () => {
    const tail = startHerald(['tail', topic, '--partition', '1', '--format', 'json'], { env });
    let n = 100;
    await waitFor(
      async () => {
        await producer.send({
          topic,
          messages: [
            {
              partition: 1,
              key: `f-${n}`,
              value: records.value(2, paymentData(n)),
              headers: cloudEventHeaders(topic, `follow-${n++}`),
            },
          ],
        });
        return tail.output().includes('"follow-');
      },
      { timeoutMs: 40_000, intervalMs: 500, description: 'tail to print a new record' },
    );
    tail.child.kill('SIGINT');
    const run = await tail.done;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(parse(run.stdout).every((l) => l.id?.startsWith('follow-'))).toBe(true);
    const admin = testKafka().admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    await admin.disconnect();
    expect(groups.filter((g) => g.groupId.startsWith(`herald-tail.${topic}.`))).toEqual([]);
  });

  it('refuses bad input with exit 2', async () => {
    const both = await herald(['tail', topic, '--from-beginning', '--since', '10m'], { env });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('give one');

    const missing = await herald(['tail', 'no.such.topic', '--limit', '1'], { env });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('does not exist');

    const noVersion = await herald(['tail', topic, '--version', '9', '--limit', '1'], { env });
    expect(noVersion.status).toBe(2);
    expect(noVersion.stderr).toContain('no such version');

    const badPartition = await herald(['tail', topic, '--partition', '7', '--limit', '1'], { env });
    expect(badPartition.status).toBe(2);
    expect(badPartition.stderr).toContain('has no partition 7');

    const badSince = await herald(['tail', topic, '--since', 'yesterday'], { env });
    expect(badSince.status).toBe(2);
    expect(badSince.stderr).toContain('RFC 3339');

    const offsetAlone = await herald(['tail', topic, '--offset', '1', '--limit', '1'], { env });
    expect(offsetAlone.status).toBe(2);
    expect(offsetAlone.stderr).toContain('--offset needs --partition');

    const offsetAndStart = await herald(
      ['tail', topic, '--partition', '0', '--offset', '1', '--from-beginning', '--limit', '1'],
      { env },
    );
    expect(offsetAndStart.status).toBe(2);
    expect(offsetAndStart.stderr).toContain('--from-beginning and --offset both say where to start');

    const offsetAndGroup = await herald(
      [
        'tail',
        topic,
        '--partition',
        '0',
        '--offset',
        '1',
        '--group',
        uniqueName('tail-offset'),
        '--limit',
        '1',
      ],
      { env },
    );
    expect(offsetAndGroup.status).toBe(2);
    expect(offsetAndGroup.stderr).toContain('--offset and --group both say where to start');

    // Partition 0 holds offsets 0 to 3: 5 is not in it (4 is the next record's, which tail would wait for).
    const pastTheEnd = await herald(['tail', topic, '--partition', '0', '--offset', '5', '--limit', '1'], {
      env,
    });
    expect(pastTheEnd.status).toBe(2);
    expect(pastTheEnd.stderr).toContain('partition 0 of "' + topic + '" has no such offset (it holds 0 to 3');

    const notAnOffset = await herald(['tail', topic, '--partition', '0', '--offset', '-1'], { env });
    expect(notAnOffset.status).toBe(2);
    expect(notAnOffset.stderr).toContain('--offset');
  });
});
