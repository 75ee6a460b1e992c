/**
 * The audit store on real PostgreSQL: each event stored once under duplicate and concurrent
 * delivery, one unforked chain per partition even with two writers, the database refusing
 * UPDATE/DELETE/TRUNCATE, and verify pointing at a row altered behind its back.
 */
import { sql } from 'kysely';
import { AuditQueries } from '../src/domain/audit-queries';
import { ChainVerifier } from '../src/domain/chain-verifier';
import {
  asSuperuser,
  consumed,
  countRows,
  createAuditSchema,
  orderValue,
  type AuditSchema,
} from './audit-test-kit';

describe('audit store (real PostgreSQL)', () => {
  let audit: AuditSchema;

  beforeEach(async () => {
    audit = await createAuditSchema();
  });

  afterEach(async () => {
    await audit.drop();
  });

  it('stores each event once under redelivery, concurrent redelivery and a republished id', async () => {
    const recorder = audit.recorder();
    const events = Array.from({ length: 30 }, (_, n) => n);
    await Promise.all(events.map((n) => recorder.record(orderValue(n), consumed(n))));
    const again = await Promise.all(events.map((n) => recorder.record(orderValue(n), consumed(n))));
    expect(again.every((o) => o.status === 'duplicate' && o.reason === 'coordinates')).toBe(true);
    const republished = await recorder.record(orderValue(3), consumed(3, { partition: 2, offset: '500' }));
    expect(republished).toMatchObject({
      status: 'duplicate',
      reason: 'event-id',
      original: { partition: 0, offset: '3' },
    });

    expect(await countRows(audit.db)).toBe(30);
    const report = await new ChainVerifier(audit.store).verify();
    expect(report).toMatchObject({ ok: true, checked: 30 });
    expect(report.heads.map((h) => h.partition)).toEqual([0, 1, 2]);
  });

  it('keeps one chain per partition when two instances write the same partition at once', async () => {
    // Two recorders = two instances during a rebalance: both receive the same records.
    const [one, two] = [audit.recorder(), audit.recorder()];
    const deliver = (recorder: typeof one) =>
      Promise.all(
        Array.from({ length: 40 }, (_, n) => recorder.record(orderValue(n), consumed(n, { partition: 0 }))),
      );
    await Promise.all([deliver(one), deliver(two)]);
    expect(await countRows(audit.db)).toBe(40);
    const { rows } = await sql<{ forks: string }>`
      SELECT count(*) - count(DISTINCT prev_hash) AS forks FROM audit_events`.execute(audit.db);
    expect(rows[0]?.forks).toBe('0');
    await expect(new ChainVerifier(audit.store).verify()).resolves.toMatchObject({ ok: true, checked: 40 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE, even from the table owner', async () => {
    await audit.recorder().record(orderValue(1), consumed(1));
    await asSuperuser(audit.schema, async (client) => {
      await expect(client.query(`UPDATE audit_events SET source = 'evil'`)).rejects.toThrow(
        'audit_events is append-only: UPDATE is not allowed',
      );
      await expect(client.query('DELETE FROM audit_events')).rejects.toThrow(
        'audit_events is append-only: DELETE is not allowed',
      );
      await expect(client.query('TRUNCATE audit_events')).rejects.toThrow(
        'audit_events is append-only: TRUNCATE is not allowed',
      );
    });
    expect(await countRows(audit.db)).toBe(1);
  });

  it('reports a row altered with the trigger disabled at the right link', async () => {
    const recorder = audit.recorder();
    for (let n = 0; n < 12; n++) await recorder.record(orderValue(n), consumed(n));
    await asSuperuser(audit.schema, async (client) => {
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await client.query(
        `UPDATE audit_events SET data_json = replace(data_json, '"amount":700', '"amount":1') WHERE event_id = 'evt-7'`,
      );
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    });
    const tampered = await audit.store.findById('evt-7');

    const report = await new ChainVerifier(audit.store, 5).verify();
    expect(report.ok).toBe(false);
    expect(report.brokenLink).toMatchObject({
      topic: 'orders.order.shipped',
      partition: 1,
      offset: '7',
      eventId: 'evt-7',
      problem: 'content',
      storedHash: tampered!.hash,
    });
    expect(report.brokenLink!.expectedHash).not.toBe(tampered!.hash);
    // Another partition's chain is untouched.
    await expect(
      new ChainVerifier(audit.store).verify({ topic: 'orders.order.shipped', partition: 2 }),
    ).resolves.toMatchObject({
      ok: true,
      checked: 4,
    });
  });

  it('reports a deleted row at the link that skips it', async () => {
    const recorder = audit.recorder();
    for (let n = 0; n < 9; n++) await recorder.record(orderValue(n), consumed(n));
    await asSuperuser(audit.schema, async (client) => {
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await client.query(`DELETE FROM audit_events WHERE event_id = 'evt-4'`);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    });
    const report = await new ChainVerifier(audit.store).verify();
    expect(report.brokenLink).toMatchObject({ partition: 1, offset: '7', eventId: 'evt-7', problem: 'link' });
  });

  it('pages by cursor without skipping a row that a slower concurrent transaction committed', async () => {
    // Four instances (own transactions) write four partitions at once while a reader pages.
    const writers = [0, 1, 2, 3].map(async (partition) => {
      const recorder = audit.recorder();
      for (let i = 0; i < 50; i++) {
        const n = partition * 1000 + i;
        await recorder.record(orderValue(n), consumed(n, { partition }));
      }
    });
    let writersDone = false;
    const writing = Promise.all(writers).then(() => (writersDone = true));
    const queries = new AuditQueries(audit.store);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let done = false; !done;) {
      const finishedBefore = writersDone;
      const page = await queries.page(cursor === undefined ? { limit: '5' } : { limit: '5', cursor });
      seen.push(...page.items.map((e) => e.eventId));
      cursor = page.nextCursor ?? undefined;
      done = finishedBefore && !page.hasMore;
    }
    await writing;
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
  });

  it('refuses, as not retriable, a value the database cannot hold, without failing the events committed with it', async () => {
    // Every string is stored (audit-edge-values.int-spec.ts); an offset beyond int64 is not.
    const recorder = audit.recorder();
    const results = await Promise.allSettled([
      recorder.record(orderValue(1), consumed(1)),
      recorder.record(orderValue(2), consumed(2, { offset: '9223372036854775808' })),
      recorder.record(orderValue(3), consumed(3)),
      recorder.record(orderValue(4), consumed(4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      name: 'AuditWriteError',
      retriable: false,
    });
    expect(await countRows(audit.db)).toBe(3);
    await expect(new ChainVerifier(audit.store).verify()).resolves.toMatchObject({ ok: true, checked: 3 });
  });
});
