import { join } from 'node:path';
import type { RegisteredSchema } from '@app/registry-client';
import { AvroCodec, loadCatalog, readWireSchemaId, type Catalog } from '@app/schema';
import type { StoredMessage } from '../delivery/payload-renderer';
import type { Endpoint } from './endpoint';
import { EndpointNotFoundError, InvalidEndpointRequestError } from './endpoint-errors';
import { TEST_EVENT_SOURCE, TestEvents } from './test-events';

const ENDPOINT: Endpoint = {
  id: 'ep_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  url: 'https://hooks.example.com/',
  description: '',
  types: ['payments.*'],
  tenant: 'merchant-9',
  versions: {},
  format: 'standard',
  rateLimit: null,
  ordered: false,
  metadata: {},
  enabled: true,
  disabledReason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('TestEvents', () => {
  let catalog: Catalog;
  const stored: Array<{ endpointId: string; message: StoredMessage }> = [];
  /** Registered: every catalog version but orders.order.shipped v2, with id 100 + version. */
  const registry = {
    version: async (subject: string, version: number): Promise<RegisteredSchema | undefined> => {
      if (subject === 'orders.order.shipped-value' && version === 2) return undefined;
      const type = catalog.eventTypes.find((t) => t.subject === subject);
      const found = type?.versions.find((v) => v.version === version);
      return found && { subject, version, id: 100 + version, schema: found.schema };
    },
  };
  const events = (endpoint: Endpoint | null = ENDPOINT) =>
    new TestEvents(
      { find: async () => endpoint ?? undefined },
      catalog,
      registry,
      {
        store: async (endpointId, message) => {
          stored.push({ endpointId, message });
          return 'dlv_1';
        },
      },
      () => 'event-1',
    );
  const refusal = async (send: Promise<unknown>): Promise<unknown> =>
    send.then(
      () => 'sent',
      (error: unknown) =>
        error instanceof InvalidEndpointRequestError
          ? { part: error.part, issues: error.issues.map((i) => i.path) }
          : error,
    );

  beforeAll(async () => {
    catalog = await loadCatalog(join(__dirname, '..', '..', '..', '..', 'schemas'));
  });
  beforeEach(() => stored.splice(0));

  it("stores a sample of the type's latest version, its tenant field the endpoint's tenant", async () => {
    expect(await events().send(ENDPOINT.id, { type: 'payments.payment.received' })).toEqual({
      deliveryId: 'dlv_1',
      eventId: 'event-1',
    });
    const [{ endpointId, message }] = stored as [{ endpointId: string; message: StoredMessage }];
    expect(endpointId).toBe(ENDPOINT.id);
    expect(message).toMatchObject({
      eventId: 'event-1',
      type: 'payments.payment.received',
      topic: 'payments.payment.received',
      source: TEST_EVENT_SOURCE,
      subject: null,
    });
    expect(readWireSchemaId(message.value)).toBe(102);
    const v2 = catalog.eventTypes.find((t) => t.type === 'payments.payment.received')!.latest.schema;
    const codec = new AvroCodec({ schemaById: async () => v2 });
    const decoded = (await codec.decode(message.value)).value as Record<string, unknown>;
    expect(decoded['merchant_id']).toBe('merchant-9');
  });

  it("writes the version asked for, else the endpoint's pin", async () => {
    await events({ ...ENDPOINT, versions: { 'payments.payment.received': 1 } }).send(ENDPOINT.id, {
      type: 'payments.payment.received',
    });
    await events().send(ENDPOINT.id, { type: 'payments.payment.received', version: 1 });
    expect(stored.map((s) => readWireSchemaId(s.message.value))).toEqual([101, 101]);
  });

  it('refuses a type the endpoint does not take, one the catalog lacks, and versions it lacks or the registry lacks', async () => {
    expect(await refusal(events().send(ENDPOINT.id, { type: 'orders.order.shipped' }))).toEqual({
      part: 'body',
      issues: ['/type'],
    });
    expect(await refusal(events().send(ENDPOINT.id, { type: 'payments.refund.issued' }))).toEqual({
      part: 'body',
      issues: ['/type'],
    });
    expect(
      await refusal(events().send(ENDPOINT.id, { type: 'payments.payment.received', version: 3 })),
    ).toEqual({ part: 'body', issues: ['/version'] });
    const orders = { ...ENDPOINT, types: ['*'], tenant: null };
    expect(
      await refusal(events(orders).send(ENDPOINT.id, { type: 'orders.order.shipped', version: 2 })),
    ).toEqual({
      part: 'body',
      issues: ['/version'],
    });
    expect(
      await refusal(events().send(ENDPOINT.id, { type: 'payments.payment.received', extra: 1 })),
    ).toEqual({
      part: 'body',
      issues: ['/extra'],
    });
    expect(stored).toEqual([]);
  });

  it('answers not found for an endpoint that does not exist', async () => {
    await expect(
      events(null).send(ENDPOINT.id, { type: 'payments.payment.received' }),
    ).rejects.toBeInstanceOf(EndpointNotFoundError);
  });
});
