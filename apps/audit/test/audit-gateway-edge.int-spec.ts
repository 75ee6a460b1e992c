/**
 * End to end, every app started as a user starts it: the edge-value corpus is published through
 * the real gateway (202 each), consumed by a real audit app, and read back from
 * `GET /v1/audit/{id}` and the export with `data` byte-identical to the JSON text the mapping
 * gave for what the gateway accepted — U+0000, noncharacters, astral code points, int64 limits,
 * ±2^53, every byte value, decimals, odd map keys, a string filling the gateway's event size
 * limit, 12 KB keys, year-0 times. Records written straight to Kafka by another producer (U+0000
 * in the key, the id and headers) are stored too: nothing dead-letters, the chains verify.
 */
import { randomUUID } from 'node:crypto';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec } from '@app/schema';
import {
  databaseUrlFor,
  dropTestDatabase,
  startTestRegistry,
  testKafka,
  uniqueIdentifier,
  uniqueName,
  waitFor,
  type TestRegistry,
} from '@app/testing';
import { textKey } from '../src/domain/audit-text-key';
import { startTestGateway, type TestGateway } from './audit-gateway-kit';
import { startAudit, type AuditProcess } from './audit-process-kit';
import { EDGE_SCHEMA, edgeCorpus, edgeMapping, largeText, mappedJsonText } from './edge-value-corpus';

jest.setTimeout(180_000);

/** The gateway's default GATEWAY_MAX_EVENT_BYTES: the Confluent-framed Avro value. */
const MAX_EVENT_BYTES = 256 * 1024;
const mapping = edgeMapping();

interface AuditItem {
  id: string;
  key: string | null;
  subject: string | null;
  source: string;
  time: string;
  headers: Record<string, string>;
  data: unknown;
}

interface Published {
  readonly name: string;
  /** The event as posted (without `type`). */
  readonly request: {
    id?: string;
    key?: string;
    subject?: string;
    time?: string;
    data: Record<string, unknown>;
  };
  /** What the gateway answered: the event's id. */
  id: string;
}

function encodedBytes(data: unknown): number {
  const result = mapping.fromJson(data);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return 5 + mapping.type.toBuffer(result.value).length;
}

/** The corpus' first event with its `text` grown until the event encodes to exactly `bytes`. */
function eventOfSize(bytes: number): Record<string, unknown> {
  const base = { ...edgeCorpus()[0]!.data, text: '' };
  let textBytes = bytes - encodedBytes(base);
  for (;;) {
    const data = { ...base, text: largeText(textBytes) };
    const size = encodedBytes(data);
    if (size === bytes) return data;
    textBytes -= size - bytes;
  }
}

function corpusRequests(): Published[] {
  const requests: Omit<Published, 'id'>[] = edgeCorpus().map(({ name, data }) => ({
    name,
    request: { data },
  }));
  const [nul, unicode] = edgeCorpus();
  requests.push(
    { name: 'at the size limit', request: { data: eventOfSize(MAX_EVENT_BYTES) } },
    // The record key comes from the data's key field, unbounded: 10,000 characters.
    { name: 'long key from data', request: { data: { ...nul!.data, edge_key: 'k\u0000'.repeat(5_000) } } },
    {
      name: 'envelope at its limits',
      request: {
        // 4096 characters of 3-byte UTF-8: far beyond what a B-tree entry holds.
        key: '\u20ac'.repeat(4096),
        subject: `\uffff${'\u20ac'.repeat(1023)}`,
        id: `\uffff${randomUUID()}`,
        // Year 0 (and 0001-01-01T00:00:00+01:00) are RFC 3339 but not PostgreSQL timestamps.
        time: '0000-01-01T00:00:00Z',
        data: unicode!.data,
      },
    },
    {
      name: 'time beyond year 9999 in UTC',
      request: { time: '9999-12-31T23:59:59-01:00', subject: 'plain subject', data: nul!.data },
    },
  );
  return requests.map((r) => ({ ...r, id: '' }));
}

describe('audit of events published through the gateway (built apps, real Kafka, registry, PostgreSQL)', () => {
  let registry: TestRegistry;
  let gateway: TestGateway;
  let audit: AuditProcess;
  let group: string;
  const database = uniqueIdentifier('audit_edge_e2e');

  beforeAll(async () => {
    registry = await startTestRegistry();
    gateway = await startTestGateway(registry.url, {
      entityVerb: 'edge.recorded',
      schema: EDGE_SCHEMA,
      keyField: 'edge_key',
      tenantField: 'tenant',
    });
    group = uniqueName('audit-edge');
    audit = await startAudit({
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA_REGISTRY_URL: registry.url,
      AUDIT_GROUP_ID: group,
      AUDIT_TOPIC_PATTERN: `^${gateway.type.replace(/\./g, '\\.')}$`,
    });
  });

  afterAll(async () => {
    await audit?.kill();
    await gateway?.close();
    await registry?.stop();
    await dropTestDatabase(database);
  });

  /** GET /v1/audit/{id}: the raw body once the event is stored. */
  async function readBack(id: string): Promise<string> {
    return waitFor(
      async () => {
        if ((await audit.metric('herald_consumer_events_dead_lettered_total')) > 0) {
          throw new Error('the audit app dead-lettered an event');
        }
        const response = await fetch(`${audit.url}/v1/audit/${encodeURIComponent(id)}`);
        return response.status === 200 ? response.text() : undefined;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        description: `audit to store ${JSON.stringify(id.slice(0, 40))}`,
      },
    );
  }

  it('returns every accepted event with data byte-identical to the mapping of what was accepted', async () => {
    const published = corpusRequests();
    for (const event of published) {
      const response = await gateway.publish(event.request);
      expect({ name: event.name, status: response.status }).toEqual({ name: event.name, status: 202 });
      event.id = ((await response.json()) as { id: string }).id;
    }
    // One byte more than the limit is refused: the event above is as large as the gateway takes.
    const tooLarge = await gateway.publish({ data: eventOfSize(MAX_EVENT_BYTES + 1) });
    expect(tooLarge.status).toBe(413);

    for (const { name, request, id } of published) {
      const expected = mappedJsonText(mapping, request.data);
      const raw = await readBack(id);
      // The wire text holds the mapping's JSON text of the data verbatim.
      expect({ name, found: raw.includes(`"data":${expected},`) }).toEqual({ name, found: true });
      const item = JSON.parse(raw) as AuditItem;
      expect({ name, data: JSON.stringify(item.data) }).toEqual({ name, data: expected });
      expect(item).toMatchObject({
        id: textKey(id),
        key: request.key ?? request.data['edge_key'],
        subject: request.subject ?? null,
        source: 'audit-e2e',
        headers: { ce_id: id, ce_type: gateway.type, ce_source: 'audit-e2e' },
      });
      if (request.time !== undefined) expect(item.time).toBe(request.time);
    }

    const exported = (await (await fetch(`${audit.url}/v1/audit/export`)).text()).trimEnd().split('\n');
    const byId = new Map(published.map((p) => [p.id, p]));
    expect(exported).toHaveLength(published.length);
    for (const line of exported) {
      const item = JSON.parse(line) as AuditItem;
      const source = byId.get(item.headers['ce_id']!)!;
      expect({ name: source.name, data: JSON.stringify(item.data) }).toEqual({
        name: source.name,
        data: mappedJsonText(mapping, source.request.data),
      });
    }
  });

  it('stores what another producer puts in the key, the id and the headers, and the chains verify', async () => {
    const [nul] = edgeCorpus();
    const value = mapping.fromJson(nul!.data);
    if (!value.ok) throw new Error('corpus');
    const codec = new AvroCodec(new RegistryClient({ url: registry.url }));
    const id = `raw\u0000id-${randomUUID()}`;
    const headers = {
      ce_specversion: '1.0',
      ce_id: id,
      ce_type: gateway.type,
      ce_source: 'raw\u0000producer',
      ce_time: '2026-01-01T00:00:00Z',
      ce_subject: 'subject\u0000',
      'x-\u0000name': 'value\u0000\uffff',
    };
    const key = `raw\u0000key${'\u{1f600}'.repeat(1000)}`;
    const producer = testKafka().producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({
        topic: gateway.type,
        acks: -1,
        messages: [{ key, value: codec.encode(gateway.schemaId, mapping.type, value.value), headers }],
      });
    } finally {
      await producer.disconnect();
    }

    const item = JSON.parse(await readBack(textKey(id))) as AuditItem;
    expect(item).toMatchObject({
      id: textKey(id),
      key,
      source: 'raw\u0000producer',
      subject: 'subject\u0000',
      time: '2026-01-01T00:00:00Z',
    });
    expect(item.headers).toEqual(headers);
    expect(JSON.stringify(item.data)).toBe(mappedJsonText(mapping, nul!.data));

    const stored = (await (await fetch(`${audit.url}/v1/audit/export`)).text()).trimEnd().split('\n');
    const verify = await fetch(`${audit.url}/v1/audit/verify`, { method: 'POST' });
    await expect(verify.json()).resolves.toMatchObject({ ok: true, checked: stored.length });
    expect(await audit.metric('herald_consumer_events_dead_lettered_total')).toBe(0);
    const admin = testKafka().admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain(`${gateway.type}.dlq.${group}`);
    } finally {
      await admin.disconnect();
    }
  });
});
