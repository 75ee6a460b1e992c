/**
 * `herald publish` run as a user runs it, against a real gateway (built app, own registry,
 * database and topic): accepted events print their Kafka coordinates, a schema violation prints
 * the gateway's paths and exits 1, NDJSON on stdin publishes one event per line, bad input exits 2.
 */
import { testKafka } from '@app/testing';
import { herald } from './spec-support/herald-process';
import { startTestGateway, type TestGateway } from './spec-support/test-gateway';
import { paymentData } from './spec-support/event-records';

jest.setTimeout(120_000);

let gateway: TestGateway;
let env: Record<string, string>;

beforeAll(async () => {
  gateway = await startTestGateway();
  env = { GATEWAY_URL: gateway.url, HERALD_API_KEY: gateway.apiKey };
});

afterAll(async () => {
  await gateway?.close();
});

async function recordsOnTopic(topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

interface AcceptedLine {
  status: string;
  id: string;
  topic: string;
  partition: number;
  offset: string;
  version: number;
  duplicate: boolean;
}

describe('herald publish', () => {
  it('publishes one event and prints where Kafka stored it; the same id again is a duplicate', async () => {
    const before = await recordsOnTopic(gateway.type);
    const id = '0193a5e2-1111-7000-8000-000000000001';
    const args = [
      'publish',
      gateway.type,
      '--data',
      JSON.stringify(paymentData(1)),
      '--id',
      id,
      '--format',
      'json',
    ];
    const first = await herald(args, { env });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const result = JSON.parse(first.stdout) as AcceptedLine;
    expect(result).toMatchObject({
      status: 'accepted',
      id,
      topic: gateway.type,
      version: 2,
      duplicate: false,
    });
    expect(result.partition).toEqual(expect.any(Number));
    expect(result.offset).toMatch(/^\d+$/);
    expect(await recordsOnTopic(gateway.type)).toBe(before + 1);

    const again = await herald(args.slice(0, -2), { env });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`accepted ${id}`);
    expect(again.stdout).toContain(`offset ${result.offset}`);
    expect(again.stdout).toContain('duplicate');
    expect(await recordsOnTopic(gateway.type)).toBe(before + 1);
  });

  it('prints a rejected event with the problem detail and each path, and exits 1', async () => {
    const bad = { ...paymentData(2), amount_minor: '12.5', currency: 7 };
    const run = await herald(['publish', gateway.type, '--data', JSON.stringify(bad)], { env });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('422');
    expect(run.stderr).toMatch(/\/data\/amount_minor: .*12\.5/);
    expect(run.stderr).toMatch(/\/data\/currency: /);
  });

  it('publishes NDJSON from stdin, one event per line, in order', async () => {
    const before = await recordsOnTopic(gateway.type);
    const input = [paymentData(3), paymentData(4), paymentData(5)].map((d) => JSON.stringify(d)).join('\n');
    const run = await herald(['publish', gateway.type, '-', '--version', '1'], {
      env,
      input: `${input}\n\n`,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, 3).map((l) => l.slice(0, 16))).toEqual([
      'line 1: accepted',
      'line 2: accepted',
      'line 3: accepted',
    ]);
    expect(lines[0]).toContain(`${gateway.type} v1`);
    expect(lines[3]).toBe('3 accepted, 0 rejected');
    expect(await recordsOnTopic(gateway.type)).toBe(before + 3);
  });

  it('reports each rejected line of a batch and still publishes the valid ones', async () => {
    const input = [paymentData(6), { ...paymentData(7), method: 'CHEQUE' }]
      .map((d) => JSON.stringify(d))
      .join('\n');
    const run = await herald(['publish', gateway.type, '-', '--format', 'json'], { env, input });
    expect(run.status).toBe(1);
    const [accepted, rejected] = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(accepted).toMatchObject({ status: 'accepted', line: 1 });
    expect(rejected).toMatchObject({ status: 'rejected', line: 2, problem: { status: 422 } });
    expect(JSON.stringify(rejected)).toContain('/data/method');
  });

  it('refuses bad input with exit 2 and a clear message, publishing nothing', async () => {
    const before = await recordsOnTopic(gateway.type);
    const none = await herald(['publish', gateway.type], { env });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('no event data');

    const badJson = await herald(['publish', gateway.type, '--data', '{"amount_minor":'], { env });
    expect(badJson.status).toBe(2);
    expect(badJson.stderr).toContain('--data is not valid JSON');

    const badLine = await herald(['publish', gateway.type, '-'], {
      env,
      input: `${JSON.stringify(paymentData(8))}\n{oops\n`,
    });
    expect(badLine.status).toBe(2);
    expect(badLine.stderr).toContain('line 2:');

    const badType = await herald(['publish', 'Payments', '--data', '{}'], { env });
    expect(badType.status).toBe(2);
    expect(badType.stderr).toContain('is not an event type name');

    const badVersion = await herald(['publish', gateway.type, '--data', '{}', '--version', 'two'], { env });
    expect(badVersion.status).toBe(2);

    const noKey = await herald(['publish', gateway.type, '--data', '{}'], {
      env: { HERALD_API_KEY: '', GATEWAY_URL: gateway.url },
    });
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toContain('HERALD_API_KEY');
    expect(await recordsOnTopic(gateway.type)).toBe(before);
  });

  it('exits 2 when the gateway cannot be reached', async () => {
    const run = await herald(['publish', gateway.type, '--data', '{}', '--url', 'http://127.0.0.1:1'], {
      env,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('could not reach the Herald gateway');
  });
});
