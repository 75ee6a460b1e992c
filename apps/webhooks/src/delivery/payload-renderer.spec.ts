import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import type { RegisteredSchema, SubjectVersionRef } from '@app/registry-client';
import { AvroCodec, createAvroType, type AvroSchemaJson } from '@app/schema';
import { PayloadRenderer, type RenderOptions, type StoredMessage } from './payload-renderer';

const FOLDER = join(__dirname, '..', '..', '..', '..', 'schemas', 'payments', 'payments.payment.received');
const schema = (version: number) =>
  JSON.parse(readFileSync(join(FOLDER, `v${version}.avsc`), 'utf8')) as AvroSchemaJson;
const TOPIC = 'payments.payment.received';
const SUBJECT = `${TOPIC}-value`;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** The registry port in memory: ids 11 and 12 are versions 1 and 2 of the subject. */
class FakeRegistry {
  private readonly byId = new Map([
    [11, { version: 1, schema: schema(1) }],
    [12, { version: 2, schema: schema(2) }],
  ]);
  async schemaById(id: number): Promise<AvroSchemaJson> {
    const found = this.byId.get(id);
    if (found === undefined) throw new Error(`no schema ${id}`);
    return found.schema;
  }
  async versionsOfId(id: number): Promise<SubjectVersionRef[]> {
    const found = this.byId.get(id);
    return found === undefined ? [] : [{ subject: SUBJECT, version: found.version }];
  }
  async version(subject: string, version: number | 'latest'): Promise<RegisteredSchema | undefined> {
    const entry = [...this.byId].find(([, v]) => v.version === version);
    if (subject !== SUBJECT || entry === undefined) return undefined;
    return { subject, id: entry[0], version: entry[1].version, schema: entry[1].schema };
  }
}

function message(overrides: Partial<StoredMessage> = {}): StoredMessage {
  const registry = new FakeRegistry();
  const value = new AvroCodec(registry).encode(12, createAvroType(schema(2)), {
    payment_id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    merchant_id: 'm-1',
    amount_minor: 1250n,
    currency: 'EUR',
    method: 'DIRECT_DEBIT',
    customer_id: null,
    processor_reference: null,
    received_at: 1_700_000_000_000n,
    fee_minor: { long: 7n },
    card: null,
  });
  return {
    eventId: 'evt-1',
    type: TOPIC,
    topic: TOPIC,
    time: '2026-12-06T10:15:00.123456+01:00',
    source: 'checkout',
    subject: 'payment/0193a1b2',
    value,
    ...overrides,
  };
}

const options = (overrides: Partial<RenderOptions> = {}): RenderOptions => ({
  pinned: undefined,
  format: 'standard',
  traceparent: TRACEPARENT,
  ...overrides,
});

/** The body as a receiver using the CloudEvents SDK reads it (validated: throws when it is no CloudEvent). */
function receivedCloudEvent(body: string, contentType: string): CloudEvent<Record<string, unknown>> {
  const event = HTTP.toEvent({ headers: { 'content-type': contentType }, body }) as CloudEvent<
    Record<string, unknown>
  >;
  expect(event.validate()).toBe(true);
  return event;
}

describe('PayloadRenderer', () => {
  let renderer: PayloadRenderer;

  beforeEach(() => {
    renderer = new PayloadRenderer(new FakeRegistry());
  });

  it("renders the standard body in the writer's version, as application/json", async () => {
    const rendered = await renderer.render(message(), options());
    expect(rendered.contentType).toBe('application/json');
    expect(rendered.version).toBe(2);
    const body = JSON.parse(rendered.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['id', 'type', 'version', 'time', 'source', 'subject', 'data']);
    expect(body).toMatchObject({
      id: 'evt-1',
      type: TOPIC,
      version: 2,
      time: '2026-12-06T10:15:00.123456+01:00',
      source: 'checkout',
      subject: 'payment/0193a1b2',
      data: { merchant_id: 'm-1', amount_minor: 1250, method: 'DIRECT_DEBIT', fee_minor: 7 },
    });
  });

  it('renders a CloudEvent in structured mode that the CloudEvents SDK reads and validates', async () => {
    const rendered = await renderer.render(message(), options({ format: 'cloudevents' }));
    expect(rendered.contentType).toBe('application/cloudevents+json');
    expect(rendered.version).toBe(2);
    const event = receivedCloudEvent(rendered.body, rendered.contentType);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: 'evt-1',
      source: 'checkout',
      type: TOPIC,
      subject: 'payment/0193a1b2',
      datacontenttype: 'application/json',
      dataversion: 2,
      traceparent: TRACEPARENT,
    });
    expect(event.data).toMatchObject({ merchant_id: 'm-1', amount_minor: 1250, fee_minor: 7 });
    // The publisher's time as published, not re-formatted through Date.
    expect((JSON.parse(rendered.body) as { time: string }).time).toBe('2026-12-06T10:15:00.123456+01:00');
    expect(JSON.parse(rendered.body)).not.toHaveProperty('dataschema');
  });

  it('gives both formats the same data, pinned to the reader version when the endpoint pins one', async () => {
    const standard = await renderer.render(message(), options({ pinned: 1 }));
    const cloudEvent = await renderer.render(message(), options({ pinned: 1, format: 'cloudevents' }));
    expect(standard.version).toBe(1);
    expect(cloudEvent.version).toBe(1);
    const standardBody = JSON.parse(standard.body) as { version: number; data: Record<string, unknown> };
    const event = receivedCloudEvent(cloudEvent.body, cloudEvent.contentType);
    expect(standardBody.version).toBe(1);
    expect(event.dataversion).toBe(1);
    expect(event.data).toEqual(standardBody.data);
    expect(event.data).not.toHaveProperty('fee_minor');
    expect(event.data).toMatchObject({ merchant_id: 'm-1', amount_minor: 1250, method: 'UNKNOWN' });
  });

  it('leaves out the optional attributes an event lacks, and names a source-less record by its topic', async () => {
    const rendered = await renderer.render(
      message({ subject: null, time: '', source: '' }),
      options({ format: 'cloudevents', traceparent: null }),
    );
    const body = JSON.parse(rendered.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'specversion',
      'id',
      'source',
      'type',
      'datacontenttype',
      'dataversion',
      'data',
    ]);
    expect(body['source']).toBe(`kafka:${TOPIC}`);
    receivedCloudEvent(rendered.body, rendered.contentType);
  });

  it('fails when the pinned version is not registered (the worker retries it like a failed attempt)', async () => {
    await expect(renderer.render(message(), options({ pinned: 7, format: 'cloudevents' }))).rejects.toThrow(
      /version 7 of payments.payment.received is not registered/,
    );
  });
});
