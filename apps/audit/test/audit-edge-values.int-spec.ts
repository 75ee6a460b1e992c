/**
 * Audit's storage round trip on real PostgreSQL for values at the edges: every event stores
 * (nothing dead-letters for what `jsonb` or `text` cannot hold) and reads back exactly — the
 * payload as the JSON mapping gave it (U+0000, noncharacters, astral code points, int64 limits
 * as strings, ±2^53, every byte value, fixed, decimals, odd map keys, a 1 MiB string), and keys,
 * ids and headers from producers other than the gateway. Chains verify across migration 0002.
 */
import { sql } from 'kysely';
import { migrateSchema } from '@app/persistence';
import { createTestSchema, type TestSchema } from '@app/testing';
import { AuditQueries } from '../src/domain/audit-queries';
import type { AuditEvent, StoredAuditEvent } from '../src/domain/audit-event';
import { textKey } from '../src/domain/audit-text-key';
import { ChainVerifier } from '../src/domain/chain-verifier';
import { linkEvents, GENESIS_HASH } from '../src/domain/hash-chain';
import { AuditRecorder, type ConsumedEnvelope } from '../src/domain/audit-recorder';
import { AUDIT_MIGRATIONS } from '../src/storage/audit-migrations';
import type { AuditDatabase } from '../src/storage/audit-tables';
import { PostgresAuditStore } from '../src/storage/postgres-audit-store';
import {
  asSuperuser,
  consumed,
  countRows,
  createAuditSchema,
  orderValue,
  type AuditSchema,
} from './audit-test-kit';
import { EDGE_SCHEMA, edgeCorpus, edgeMapping, largeText, mappedJsonText } from './edge-value-corpus';

const mapping = edgeMapping();

function avroValue(data: unknown): unknown {
  const result = mapping.fromJson(data);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

function edgeEnvelope(n: number, data: Record<string, unknown>): ConsumedEnvelope {
  return consumed(n, {
    id: `edge-${n}`,
    type: 'audit.edge.recorded',
    topic: 'audit.edge.recorded',
    schemaId: 9,
    writerSchema: EDGE_SCHEMA,
    key: data['edge_key'] as string,
    headers: { ce_id: `edge-${n}`, ce_type: 'audit.edge.recorded' },
  });
}

/** Every field the read side returns, as stored. */
const hashedFields = (event: StoredAuditEvent): AuditEvent => {
  const { sequence: _sequence, prevHash: _prevHash, hash: _hash, ...fields } = event;
  return fields;
};

describe('audit storage of edge values (real PostgreSQL)', () => {
  let audit: AuditSchema;

  beforeEach(async () => {
    audit = await createAuditSchema();
  });

  afterEach(async () => {
    await audit.drop();
  });

  it('stores every corpus event and returns its data as the JSON text the mapping gave', async () => {
    const corpus = [
      ...edgeCorpus(),
      { name: 'large', data: { ...edgeCorpus()[0]!.data, text: largeText(1024 * 1024) } },
    ];
    const recorder = audit.recorder();
    const outcomes = await Promise.all(
      corpus.map(({ data }, n) => recorder.record(avroValue(data), edgeEnvelope(n, data))),
    );
    expect(outcomes.every((o) => o.status === 'stored')).toBe(true);

    for (const [n, { name, data }] of corpus.entries()) {
      const expected = mappedJsonText(mapping, data);
      // The corpus is written in the mapping's output form: what a client sends comes back.
      expect({ name, text: JSON.stringify(data) }).toEqual({ name, text: expected });
      const stored = await audit.store.findById(`edge-${n}`);
      expect({ name, data: JSON.stringify(stored?.data) }).toEqual({ name, data: expected });
      expect(stored?.key).toBe(data['edge_key']);
      const { rows } = await sql<{ data_json: string }>`
        SELECT data_json FROM audit_events WHERE event_id = ${`edge-${n}`}`.execute(audit.db);
      expect(rows[0]?.data_json).toBe(expected);
    }
    // The search path reads the same rows.
    const page = await new AuditQueries(audit.store).page({ limit: '100' });
    expect(page.items).toHaveLength(corpus.length);
    for (const item of page.items) {
      const { data } = corpus[Number(item.eventId.slice('edge-'.length))]!;
      expect(JSON.stringify(item.data)).toBe(mappedJsonText(mapping, data));
    }
    await expect(new ChainVerifier(audit.store).verify()).resolves.toMatchObject({
      ok: true,
      checked: corpus.length,
    });
  });

  it('keeps what producers other than the gateway put in ids, keys and headers, and finds it again', async () => {
    const longKey = 'k\u00e9'.repeat(5000);
    const nulId = 'id\u0000with nul';
    const envelopes: ConsumedEnvelope[] = [
      consumed(1, {
        id: nulId,
        key: 'key\u0000nul',
        subject: 'subject\u0000',
        source: 'source\u0000',
        type: 'type\u0000',
        time: '2026-01-01T00:00:00Z\u0000',
        headers: { ce_id: nulId, 'name\u0000': 'value\u0000', ce_type: 'type\u0000', empty: '' },
      }),
      consumed(2, {
        id: 'x'.repeat(3000),
        key: longKey,
        subject: '\uffffmarked',
        headers: { ce_id: 'x'.repeat(3000) },
      }),
      consumed(3, { id: '\uffff', key: null, headers: {} }),
      consumed(4, { id: '', key: '', headers: { ce_source: 'not-the-source' } }),
    ];
    const recorder = audit.recorder();
    for (const envelope of envelopes) {
      await expect(recorder.record(orderValue(1), envelope)).resolves.toEqual({ status: 'stored' });
    }

    const stored = await new AuditQueries(audit.store).page({ limit: '10' });
    expect(stored.items).toHaveLength(envelopes.length);
    for (const [i, envelope] of envelopes.entries()) {
      const event = stored.items[i]!;
      expect(event).toMatchObject({
        type: envelope.type,
        source: envelope.source,
        subject: envelope.subject ?? null,
        key: envelope.key,
        time: envelope.time,
        headers: envelope.headers,
      });
      const expectedId =
        envelope.id === ''
          ? `kafka:${envelope.topic}/${envelope.partition}@${envelope.offset}`
          : textKey(envelope.id);
      expect(event.eventId).toBe(expectedId);
      // Found by the producer's id as sent, and by the id audit reports.
      if (envelope.id !== '')
        expect((await audit.store.findById(envelope.id))?.sequence).toBe(event.sequence);
      expect((await audit.store.findById(event.eventId))?.sequence).toBe(event.sequence);
      expect(hashedFields((await audit.store.findById(event.eventId))!)).toEqual(hashedFields(event));
    }
    expect(stored.items[0]!.eventId).toBe(textKey(nulId));

    const search = async (filter: Record<string, string>) =>
      (await audit.store.search(filter, undefined, 10)).map((e) => e.offset);
    expect(await search({ key: 'key\u0000nul' })).toEqual(['1']);
    expect(await search({ key: 'key\u0000' })).toEqual([]);
    expect(await search({ subject: 'subject\u0000', source: 'source\u0000', type: 'type\u0000' })).toEqual([
      '1',
    ]);
    expect(await search({ key: longKey })).toEqual(['2']);
    expect(await search({ subject: '\uffffmarked' })).toEqual(['2']);
    expect(await search({ key: '' })).toEqual(['4']);

    // The same odd id again, at other coordinates: the first arrival wins, as for any id.
    await expect(
      recorder.record(orderValue(1), consumed(9, { id: nulId, partition: 2 })),
    ).resolves.toMatchObject({
      status: 'duplicate',
      reason: 'event-id',
    });
    expect(await countRows(audit.db)).toBe(envelopes.length);
    await expect(new ChainVerifier(audit.store).verify()).resolves.toMatchObject({ ok: true, checked: 4 });
  });

  it('stores an event time PostgreSQL cannot hold as sent, on the Kafka timestamp axis', async () => {
    const recorder = audit.recorder();
    const times = [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00+01:00',
      '9999-12-31T23:59:59-01:00',
      'not a time',
    ];
    for (const [n, time] of times.entries()) {
      await expect(recorder.record(orderValue(n), consumed(n, { time }))).resolves.toEqual({
        status: 'stored',
      });
    }
    await expect(
      recorder.record(
        orderValue(7),
        consumed(7, { time: '9999-12-31T23:59:59.999Z', timestamp: '253402300800000' }),
      ),
    ).resolves.toEqual({ status: 'stored' });
    const items = (await new AuditQueries(audit.store).page({ limit: '10' })).items;
    expect(items.map((e) => [e.time, e.eventTime])).toEqual([
      ...times.map((time) => [time, '2026-01-01T00:00:00.000Z']),
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ]);
    // A Kafka timestamp beyond year 9999 reads as the ingest time, as a missing one does.
    expect(items[4]!.kafkaTimestamp).toBe(items[4]!.ingestedAt);
    await expect(new ChainVerifier(audit.store).verify()).resolves.toMatchObject({ ok: true, checked: 5 });
  });

  it('reports a row whose JSON text was altered behind the app at its link', async () => {
    const recorder = audit.recorder();
    for (let n = 0; n < 3; n++) await recorder.record(orderValue(n), consumed(n, { partition: 0 }));
    await asSuperuser(audit.schema, async (client) => {
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await client.query(`UPDATE audit_events SET data_json = '{"orderId":' WHERE event_id = 'evt-1'`);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    });
    await expect(new ChainVerifier(audit.store).verify()).resolves.toMatchObject({
      ok: false,
      checked: 1,
      brokenLink: { eventId: 'evt-1', problem: 'content' },
    });
  });
});

describe('audit migration 0002 on a table with rows (real PostgreSQL)', () => {
  let test: TestSchema<AuditDatabase>;

  beforeEach(async () => {
    test = await createTestSchema<AuditDatabase>('audit_it');
  });

  afterEach(async () => {
    await test.drop();
  });

  /** What migration 0001's code wrote: headers and data as JSONB. */
  async function insertAsBefore0002(events: readonly AuditEvent[], head: string): Promise<string> {
    const linked = linkEvents(head, events);
    for (const e of linked) {
      await sql`
        INSERT INTO audit_events (event_id, type, schema_version, schema_id, source, subject, event_key, time,
          event_time, topic, kafka_partition, kafka_offset, kafka_timestamp, headers, data, ingested_at, prev_hash, hash)
        VALUES (${e.eventId}, ${e.type}, ${e.version}, ${e.schemaId}, ${e.source}, ${e.subject}, ${e.key}, ${e.time},
          ${e.eventTime}, ${e.topic}, ${e.partition}, ${e.offset}, ${e.kafkaTimestamp}, ${JSON.stringify(e.headers)},
          ${JSON.stringify(e.data)}, ${e.ingestedAt}, ${e.prevHash}, ${e.hash})`.execute(test.db);
    }
    return linked[linked.length - 1]!.hash;
  }

  it('keeps old rows verifying and readable, and continues their chains with exact rows', async () => {
    await migrateSchema(test.db, test.schema, {
      '0001_audit_events': AUDIT_MIGRATIONS['0001_audit_events']!,
    });
    const clock = { now: () => new Date('2026-02-03T04:05:06.789Z') };
    const oldEvents: AuditEvent[] = Array.from({ length: 3 }, (_, n) => ({
      eventId: `old-${n}`,
      type: 'orders.order.shipped',
      version: 1,
      schemaId: 1,
      source: 'shop',
      subject: null,
      key: `order-${n}`,
      time: '2026-01-01T00:00:00Z',
      eventTime: '2026-01-01T00:00:00.000Z',
      topic: 'orders.order.shipped',
      partition: 0,
      offset: String(n),
      kafkaTimestamp: '2026-01-01T00:00:00.000Z',
      headers: { ce_id: `old-${n}`, 'x-z': 'z', 'x-a': 'a' },
      // JSONB reorders keys (shorter first) and rewrites numbers; the hash is over sorted keys.
      data: { orderId: `order-${n}`, amount: n * 100, big: '9223372036854775807', tiny: 5e-324, exp: 1e21 },
      ingestedAt: '2026-01-01T00:00:01.000Z',
    }));
    await insertAsBefore0002(oldEvents, GENESIS_HASH);

    await migrateSchema(test.db, test.schema, AUDIT_MIGRATIONS);
    const store = new PostgresAuditStore(test.db);
    const recorder = new AuditRecorder(store, clock, { recorded: () => undefined });
    const [nul] = edgeCorpus();
    await expect(
      recorder.record(avroValue(nul!.data), {
        ...edgeEnvelope(10, nul!.data),
        topic: 'orders.order.shipped',
        partition: 0,
        offset: '3',
      }),
    ).resolves.toEqual({ status: 'stored' });

    await expect(new ChainVerifier(store).verify()).resolves.toMatchObject({ ok: true, checked: 4 });
    for (const event of oldEvents) {
      const read = await store.findById(event.eventId);
      expect(read && hashedFields(read)).toEqual(event);
    }
    expect(JSON.stringify((await store.findById('edge-10'))?.data)).toBe(mappedJsonText(mapping, nul!.data));

    // Still append-only, and a row must hold exactly one form of its data.
    await asSuperuser(test.schema, async (client) => {
      await expect(client.query(`UPDATE audit_events SET source = 'evil'`)).rejects.toThrow('append-only');
      await expect(
        client.query(`INSERT INTO audit_events (event_id, type, schema_version, schema_id, source, time, event_time,
            topic, kafka_partition, kafka_offset, kafka_timestamp, headers_json, ingested_at, prev_hash, hash)
          VALUES ('x', 't', 1, 1, 's', 't', now(), 't', 0, 99, now(), '{}', now(), repeat('0', 64), repeat('0', 64))`),
      ).rejects.toThrow('audit_events_one_data');
    });
  });
});
