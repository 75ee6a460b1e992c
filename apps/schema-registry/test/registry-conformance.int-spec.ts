/**
 * The registry as its users meet it: the built app (`node dist/.../main.js`) on a real Kafka
 * `_schemas` topic, driven by `@kafkajs/confluent-schema-registry` — the client our users
 * already have — and then restarted from nothing but the topic.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { projectRoot } from '@app/config';
import { freePort, testBrokers, uniqueName, waitFor } from '@app/testing';

jest.setTimeout(120_000);

const MAIN = join(projectRoot(), 'dist', 'apps', 'schema-registry', 'src', 'main.js');

const paymentV1 = {
  type: 'record',
  name: 'PaymentReceived',
  namespace: 'herald.payments',
  fields: [
    { name: 'payment_id', type: 'string' },
    { name: 'amount_minor', type: 'long' },
  ],
};
const paymentV2 = {
  ...paymentV1,
  fields: [...paymentV1.fields, { name: 'currency', type: 'string', default: 'EUR' }],
};
const paymentBroken = {
  ...paymentV1,
  fields: [...paymentV1.fields, { name: 'merchant_id', type: 'string' }],
};

interface RunningRegistry {
  readonly url: string;
  readonly process: ChildProcess;
}

async function startRegistry(topic: string): Promise<RunningRegistry> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      REGISTRY_PORT: String(port),
      REGISTRY_TOPIC: topic,
      KAFKA_BROKERS: testBrokers().join(','),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    () =>
      fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the registry to load the _schemas topic and report ready',
    },
  );
  return { url, process: child };
}

function kill(registry: RunningRegistry, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (registry.process.exitCode !== null || registry.process.signalCode !== null) return resolve();
    registry.process.once('exit', () => resolve());
    registry.process.kill(signal);
  });
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.json();
}

describe('schema registry with @kafkajs/confluent-schema-registry (real Kafka)', () => {
  const topic = uniqueName('_schemas-conformance');
  const subject = `${uniqueName('payments.payment.received')}-value`;
  const running: RunningRegistry[] = [];

  afterAll(async () => {
    await Promise.all(running.map((r) => kill(r, 'SIGTERM')));
  });

  it('registers, looks up, encodes and decodes; refuses an incompatible schema with the checker message; survives kill -9', async () => {
    const first = await startRegistry(topic);
    running.push(first);
    const client = new SchemaRegistry({ host: first.url });

    const { id: v1 } = await client.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(paymentV1) },
      { subject },
    );
    const { id: again } = await client.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(paymentV1) },
      { subject },
    );
    expect(again).toBe(v1);
    const { id: v2 } = await client.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(paymentV2) },
      { subject },
    );
    expect(v2).toBeGreaterThan(v1);
    await expect(client.getLatestSchemaId(subject)).resolves.toBe(v2);
    await expect(client.getRegistryId(subject, 1)).resolves.toBe(v1);

    const payload = { payment_id: 'p-1', amount_minor: 1250, currency: 'USD' };
    const encoded = await client.encode(v2, payload);
    expect([...encoded.subarray(0, 5)]).toEqual([0, 0, 0, 0, v2]);
    await expect(client.decode(encoded)).resolves.toEqual(payload);

    await expect(
      client.register({ type: SchemaType.AVRO, schema: JSON.stringify(paymentBroken) }, { subject }),
    ).rejects.toThrow(/READER_FIELD_MISSING_DEFAULT_VALUE.*reader field "merchant_id"/s);

    // A crash loses nothing acknowledged: a new instance rebuilds from the topic alone.
    await kill(first, 'SIGKILL');
    const second = await startRegistry(topic);
    running.push(second);
    await expect(getJson(`${second.url}/subjects/${subject}/versions`)).resolves.toEqual([1, 2]);
    await expect(getJson(`${second.url}/schemas/ids/${v2}`)).resolves.toEqual({
      schema: JSON.stringify(paymentV2),
    });

    // Ids are never reused: the next new schema gets a fresh id.
    const other = `${uniqueName('orders.order.shipped')}-value`;
    const fresh = await new SchemaRegistry({ host: second.url }).register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ ...paymentV1, name: 'OrderShipped' }) },
      { subject: other },
    );
    expect(fresh.id).toBeGreaterThan(v2);
  });

  it('two instances: writes through the follower are forwarded; kill -9 of the leader loses no acknowledged id and reuses none', async () => {
    const failoverTopic = uniqueName('_schemas-failover');
    const leader = await startRegistry(failoverTopic);
    running.push(leader);
    const follower = await startRegistry(failoverTopic);
    running.push(follower);

    const acknowledged = new Map<string, number>();
    const deadline = Date.now() + 90_000;
    for (let i = 0; i < 30; i++) {
      const name = `${uniqueName(`failover${i}`)}-value`;
      const schema = JSON.stringify({
        type: 'record',
        name: `Event${i}`,
        fields: [{ name: 'n', type: 'int' }],
      });
      if (i === 10) await kill(leader, 'SIGKILL');
      // Like a real client: retry the same registration until it is acknowledged.
      while (!acknowledged.has(name)) {
        if (Date.now() > deadline) throw new Error(`registration ${i} never succeeded after the leader died`);
        const response = await fetch(`${follower.url}/subjects/${name}/versions`, {
          method: 'POST',
          headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
          body: JSON.stringify({ schema }),
          signal: AbortSignal.timeout(15_000),
        }).catch(() => undefined);
        if (response?.status === 200) acknowledged.set(name, ((await response.json()) as { id: number }).id);
        else await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }

    const ids = [...acknowledged.values()];
    expect(new Set(ids).size).toBe(30);
    for (const [name, id] of acknowledged) {
      await expect(getJson(`${follower.url}/subjects/${name}/versions/1`)).resolves.toMatchObject({
        id,
        version: 1,
      });
    }
  });
});
