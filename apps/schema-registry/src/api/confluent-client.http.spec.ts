/**
 * The design's promise: the registry works unchanged with @kafkajs/confluent-schema-registry.
 * This suite listens on a loopback port (the client speaks real HTTP) and drives the client's
 * own calls: register (with its config probe and update), lookups, encode and decode.
 */
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';
import { stringMatching } from '../spec-support/matchers';

const PAYMENT_V1 = {
  type: 'record',
  name: 'PaymentReceived',
  namespace: 'payments',
  fields: [
    { name: 'paymentId', type: 'string' },
    { name: 'amount', type: 'long' },
  ],
};
const PAYMENT_V2 = {
  ...PAYMENT_V1,
  fields: [...PAYMENT_V1.fields, { name: 'currency', type: 'string', default: 'EUR' }],
};
const SUBJECT = 'payments.payment.received-value';

/** The client's Avro input shape (its type is not exported, hence the literal). */
const avro = (schema: object) => ({ type: SchemaType.AVRO as const, schema: JSON.stringify(schema) });

describe('@kafkajs/confluent-schema-registry against the registry', () => {
  let registry: RegistryTestApp;
  let client: SchemaRegistry;

  beforeAll(async () => {
    registry = await startRegistryApp({ env: { REGISTRY_BASIC_AUTH: 'herald:secret' } });
    await registry.app.listen(0, '127.0.0.1');
    client = new SchemaRegistry({
      host: await registry.app.getUrl(),
      auth: { username: 'herald', password: 'secret' },
      retry: { retries: 0 },
    });
  });

  afterAll(async () => {
    await registry.close();
  });

  it('registers, sets the subject level on first registration, and registers again idempotently', async () => {
    const schema = avro(PAYMENT_V1);
    await expect(
      client.register(schema, { subject: SUBJECT, compatibility: COMPATIBILITY.FULL }),
    ).resolves.toEqual({
      id: 1,
    });
    await expect(registry.request('GET', `/config/${SUBJECT}`)).resolves.toMatchObject({
      body: { compatibilityLevel: 'FULL' },
    });
    await expect(
      client.register(schema, { subject: SUBJECT, compatibility: COMPATIBILITY.FULL }),
    ).resolves.toEqual({
      id: 1,
    });
    const v2 = avro(PAYMENT_V2);
    await expect(
      client.register(v2, { subject: SUBJECT, compatibility: COMPATIBILITY.FULL }),
    ).resolves.toEqual({
      id: 2,
    });
  });

  it('resolves ids by subject, version and schema', async () => {
    await expect(client.getLatestSchemaId(SUBJECT)).resolves.toBe(2);
    await expect(client.getRegistryId(SUBJECT, 1)).resolves.toBe(1);
    await expect(client.getRegistryIdBySchema(SUBJECT, avro(PAYMENT_V1))).resolves.toBe(1);
  });

  it('encodes with one id and decodes through the registry', async () => {
    const encoded = await client.encode(2, { paymentId: 'p-1', amount: 1250, currency: 'USD' });
    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readUInt32BE(1)).toBe(2);
    const fresh = new SchemaRegistry({ host: await registry.app.getUrl(), retry: { retries: 0 } });
    await expect(fresh.decode(encoded)).resolves.toEqual({ paymentId: 'p-1', amount: 1250, currency: 'USD' });
  });

  it('surfaces the registry’s refusal of an incompatible schema', async () => {
    const breaking = { ...PAYMENT_V1, fields: [{ name: 'paymentId', type: 'int' }] };
    await expect(
      client.register(avro(breaking), { subject: SUBJECT, compatibility: COMPATIBILITY.FULL }),
    ).rejects.toMatchObject({
      status: 409,
      message: stringMatching(/incompatible with an earlier schema/),
    });
  });
});
