import { createHash } from 'node:crypto';
import { auditEvent, InMemoryAuditStore } from '../spec-support/in-memory-audit-store';
import { ChainVerifier } from './chain-verifier';
import { canonicalContent, chainHash, GENESIS_HASH, linkEvents } from './hash-chain';

describe('canonical content and hash chain', () => {
  it('hashes the previous hash followed by the canonical content, as documented', () => {
    const event = auditEvent({ eventId: 'e-1', data: { b: 2, a: 1 } });
    const content = canonicalContent(event);
    expect(content).toContain('"data":{"a":1,"b":2}');
    expect(content.startsWith('{"data":')).toBe(true);
    expect(chainHash(GENESIS_HASH, event)).toBe(
      createHash('sha256').update(`${GENESIS_HASH}${content}`, 'utf8').digest('hex'),
    );
  });

  it('covers every stored field: changing any one changes the hash', () => {
    const event = auditEvent();
    const base = chainHash(GENESIS_HASH, event);
    const changes = [
      { eventId: 'other' },
      { offset: '999' },
      { partition: 3 },
      { data: { orderId: 'order-1', amount: 1251 } },
      { headers: { ce_id: 'x' } },
      { subject: 's' },
      { key: null },
      { ingestedAt: '2030-01-01T00:00:00.000Z' },
    ];
    for (const change of changes) expect(chainHash(GENESIS_HASH, { ...event, ...change })).not.toBe(base);
    expect(chainHash('1'.repeat(64), event)).not.toBe(base);
  });

  it('links each event to the hash of the one before it', () => {
    const [first, second] = linkEvents(GENESIS_HASH, [auditEvent(), auditEvent()]);
    expect(first!.prevHash).toBe(GENESIS_HASH);
    expect(second!.prevHash).toBe(first!.hash);
    expect(second!.hash).toBe(chainHash(first!.hash, second!));
  });
});

describe('ChainVerifier', () => {
  async function storeWith(count: number, partitions = 2): Promise<InMemoryAuditStore> {
    const store = new InMemoryAuditStore();
    for (let i = 0; i < count; i++) {
      await store.append([
        auditEvent({ partition: i % partitions, offset: String(Math.floor(i / partitions)) }),
      ]);
    }
    return store;
  }

  it('accepts intact chains across pages and reports each chain head', async () => {
    const store = await storeWith(25);
    const report = await new ChainVerifier(store, 4).verify();
    expect(report).toMatchObject({ ok: true, checked: 25 });
    expect(report.heads.map((h) => [h.partition, h.offset])).toEqual([
      [0, '12'],
      [1, '11'],
    ]);
  });

  it('reports a row whose content changed as the first broken link', async () => {
    const store = await storeWith(10);
    const target = store.rows[6]!;
    store.rows[6] = { ...target, data: { orderId: 'order-1', amount: 1 } };
    const report = await new ChainVerifier(store, 3).verify();
    expect(report.ok).toBe(false);
    expect(report.brokenLink).toEqual({
      topic: target.topic,
      partition: target.partition,
      offset: target.offset,
      eventId: target.eventId,
      sequence: target.sequence,
      problem: 'content',
      expectedHash: chainHash(target.prevHash, store.rows[6]),
      storedHash: target.hash,
    });
    expect(report.checked).toBe(6);
  });

  it('reports a removed row as a broken link at its successor', async () => {
    const store = await storeWith(10);
    const removed = store.rows.splice(4, 1)[0]!;
    const report = await new ChainVerifier(store).verify();
    expect(report.brokenLink).toMatchObject({
      partition: removed.partition,
      offset: String(Number(removed.offset) + 1),
      problem: 'link',
      storedHash: removed.hash,
    });
  });

  it('verifies an offset range of one partition from the hash stored before it', async () => {
    const store = await storeWith(20);
    const report = await new ChainVerifier(store).verify({
      topic: 'orders.order.shipped',
      partition: 1,
      fromOffset: '3',
      toOffset: '6',
    });
    expect(report).toMatchObject({ ok: true, checked: 4 });
    expect(report.heads).toEqual([expect.objectContaining({ partition: 1, offset: '6' })]);
  });
});
