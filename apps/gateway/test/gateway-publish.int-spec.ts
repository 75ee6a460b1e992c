/**
 * The publish path end to end on real Kafka, registry and PostgreSQL: the bytes on the topic
 * decode with @kafkajs/confluent-schema-registry, the headers follow the CloudEvents Kafka
 * binding, keys and partitions follow event.yaml, duplicates write nothing.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import * as avro from 'avsc';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { RegistryClient } from '@app/registry-client';
import type { AvroSchemaJson } from '@app/schema';
import { gatewayBadInput, uniqueName, waitFor } from '@app/testing';
import { GatewayHarness } from './gateway-harness';

jest.setTimeout(120_000);

// Asymmetric matchers are typed `any`; naming them `unknown` keeps the assertions type-safe.
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
const anyNumber: unknown = expect.any(Number);

const { payment } = gatewayBadInput;

async function readTopic(brokers: readonly string[], topic: string, count: number): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('gw-reader') });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  try {
    await waitFor(() => messages.length >= count, {
      timeoutMs: 30_000,
      description: `${count} messages on ${topic}`,
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/**
 * docs/adding-a-consumer.md's recipe, verbatim: longs as BigInt for @kafkajs/confluent-schema-registry,
 * which otherwise refuses a long beyond 2^53 ("potential precision loss"). A typeHook, not a
 * `registry` option: the library passes the same options object for every schema, and avsc adds
 * each schema's named types to a given registry, so a second version of a type would collide.
 */
const bigIntLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (json: unknown) => BigInt(json as string),
  toJSON: (n: bigint) => n.toString(),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});
const longsAsBigInt = {
  [SchemaType.AVRO]: {
    // Plain longs only: a long with a logical type (timestamp-millis) stays a number.
    typeHook: (schema: avro.Schema) =>
      typeof schema === 'object' && 'type' in schema && schema.type === 'long' && !('logicalType' in schema)
        ? bigIntLong
        : undefined,
  },
};

describe('gateway publish', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await GatewayHarness.start();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers 202 with coordinates after Kafka acknowledged, and the record follows the contract', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await gateway.post(
      '/v1/events',
      { type: gateway.types.payment, version: 1, subject: 'order-9', data: payment() },
      { traceparent },
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      id: matching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      type: gateway.types.payment,
      version: 1,
      topic: gateway.types.payment,
      partition: anyNumber,
      offset: '0',
    });
    const [message] = await readTopic(gateway.brokers, gateway.types.payment, 1);
    const registry = new SchemaRegistry({ host: gateway.registry.url });
    const decoded = (await registry.decode(message!.value!)) as Record<string, unknown>;
    expect(decoded.payment_id).toBe(payment().payment_id);
    expect(decoded.merchant_id).toBe('merchant-42');
    expect(message!.key!.toString()).toBe(payment().payment_id);
    const headers = Object.fromEntries(Object.entries(message!.headers!).map(([k, v]) => [k, String(v)]));
    expect(headers).toEqual({
      ce_specversion: '1.0',
      ce_id: body.id,
      ce_source: 'checkout-service',
      ce_type: gateway.types.payment,
      ce_time: matching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      ce_subject: 'order-9',
      ce_dataschema: `${gateway.registry.url}/subjects/${gateway.types.payment}-value/versions/1`,
      'content-type': 'application/avro',
      traceparent,
    });
  });

  it('a long beyond 2^53 decodes exactly with @kafkajs/confluent-schema-registry and the documented option', async () => {
    const type = gateway.types.payment;
    const big = '9007199254740993'; // 2^53 + 1: sent as a string, as JSON numbers that large are not exact
    const id = `big-long-${Date.now()}`;
    const response = await gateway.post('/v1/events', { id, type, data: payment({ amount_minor: big }) });
    expect(response.status).toBe(202);
    // The first test's event and this one.
    const messages = await readTopic(gateway.brokers, type, 2);
    const message = messages.find((m) => String(m.headers?.ce_id) === id);
    expect(message).toBeDefined();

    await expect(new SchemaRegistry({ host: gateway.registry.url }).decode(message!.value!)).rejects.toThrow(
      /precision/,
    );
    const registry = new SchemaRegistry({ host: gateway.registry.url }, longsAsBigInt);
    const decoded = (await registry.decode(message!.value!)) as Record<string, unknown>;
    expect(decoded.amount_minor).toBe(BigInt(big));
    expect(decoded.payment_id).toBe(payment().payment_id);
    // A long with a logical type stays a number (milliseconds are far below 2^53).
    expect(decoded.received_at).toBe(Date.parse(payment().received_at));
  });

  it('publishes a version pushed to the registry after boot, without a restart', async () => {
    const type = gateway.types.payment;
    const registry = new RegistryClient({ url: gateway.registry.url });
    const v2 = (await registry.version(`${type}-value`, 2))!.schema as { fields: unknown[] };
    const v3 = {
      ...v2,
      fields: [...v2.fields, { name: 'note', type: ['null', 'string'], default: null, doc: 'Free text' }],
    } as unknown as AvroSchemaJson;
    await registry.register(`${type}-value`, v3);

    const pinned = await gateway.post('/v1/events', { type, version: 3, data: payment({ note: 'hello' }) });
    expect(pinned.status).toBe(202);
    expect(((await pinned.json()) as { version: number }).version).toBe(3);

    // "latest" follows within GATEWAY_LATEST_TTL_MS (5 s by default).
    await waitFor(
      async () => {
        const response = await gateway.post('/v1/events', { type, data: payment() });
        return response.status === 202 && ((await response.json()) as { version: number }).version === 3;
      },
      { timeoutMs: 20_000, intervalMs: 500, description: 'latest to become version 3' },
    );
  });

  it('documents the publish contract in its OpenAPI description', async () => {
    const doc = (await (await fetch(`${gateway.url}/docs-json`)).json()) as {
      paths: Record<string, { post?: { requestBody?: unknown; responses: Record<string, unknown> } }>;
    };
    const single = doc.paths['/v1/events']?.post;
    expect(JSON.stringify(single?.requestBody)).toContain('"required":["type","data"]');
    expect(Object.keys(single?.responses ?? {}).sort()).toEqual(
      ['202', '400', '401', '403', '409', '413', '415', '422', '429', '503'].sort(),
    );
    expect(JSON.stringify(doc.paths['/v1/events/batch']?.post?.responses['200'])).toContain('rejected');
  });
});
