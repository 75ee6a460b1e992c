// The idempotency window's protocol on a real PostgreSQL (a schema of its own per test file):
// claims, answers, duplicates, conflicts, releases, generated-id records, and a claim that
// arrives while the answer for its id is still being written.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { migrateSchema } from '@app/persistence';
import { createTestSchema, type TestSchema } from '@app/testing';
import type { AcceptedEvent } from '../src/domain/ports';
import { gatewayMigrations } from '../src/storage/gateway-migrations';
import { PostgresIdempotencyStore } from '../src/storage/postgres-idempotency.store';

const anyString = (): unknown => expect.any(String);
const answer = (id: string, offset = '7'): AcceptedEvent => ({
  id,
  type: 'payments.payment.received',
  version: 2,
  topic: 'payments.payment.received',
  partition: 1,
  offset,
});

describe('PostgresIdempotencyStore', () => {
  let test: TestSchema<unknown>;
  let store: PostgresIdempotencyStore;

  beforeAll(async () => {
    test = await createTestSchema('gateway_idem');
    await migrateSchema(test.db, test.schema, gatewayMigrations);
    store = new PostgresIdempotencyStore(test.db, { windowMs: 3_600_000, staleClaimMs: 30_000 });
  });

  afterAll(async () => {
    await test?.drop();
  });

  const row = async (id: string) =>
    (
      await sql<{ fingerprint: string; claim_token: string | null; result: AcceptedEvent | null }>`
        SELECT fingerprint, claim_token, result FROM published_events WHERE event_id = ${id}`.execute(test.db)
    ).rows[0];

  it('claims a new id, and answers the same content as a duplicate once completed, other content as a conflict', async () => {
    const id = randomUUID();
    const [claimed] = await store.claim([{ id, fingerprint: 'f1' }]);
    expect(claimed).toEqual({ kind: 'claimed', token: anyString() });
    expect(await store.claim([{ id, fingerprint: 'f1' }])).toEqual([{ kind: 'in-flight' }]);
    await store.complete([{ token: (claimed as { token: string }).token, result: answer(id) }]);
    expect(await store.claim([{ id, fingerprint: 'f1' }])).toEqual([
      { kind: 'duplicate', result: answer(id) },
    ]);
    expect(await store.claim([{ id, fingerprint: 'f2' }])).toEqual([{ kind: 'conflict' }]);
  });

  it('a row with another fingerprint is a duplicate only when the claim says it names the same event', async () => {
    const id = randomUUID();
    const older = 'a'.repeat(64);
    const [claimed] = (await store.claim([{ id, fingerprint: older }])) as Array<{ token: string }>;
    await store.complete([{ token: claimed!.token, result: answer(id) }]);
    const asked: string[] = [];
    const retry = (same: boolean) => ({
      id,
      fingerprint: `3:2:${'b'.repeat(64)}`,
      sameEvent: async (stored: string) => {
        asked.push(stored);
        return same;
      },
    });
    expect(await store.claim([retry(true)])).toEqual([{ kind: 'duplicate', result: answer(id) }]);
    expect(await store.claim([retry(false)])).toEqual([{ kind: 'conflict' }]);
    expect(asked).toEqual([older, older]);
    // An equal fingerprint never asks.
    expect(
      await store.claim([{ id, fingerprint: older, sameEvent: () => Promise.reject(new Error('asked')) }]),
    ).toEqual([{ kind: 'duplicate', result: answer(id) }]);
  });

  it('a released claim can be claimed again; a stranger’s token releases nothing', async () => {
    const id = randomUUID();
    const [first] = (await store.claim([{ id, fingerprint: 'f' }])) as Array<{ token: string }>;
    await store.release([{ id, token: 'not-the-token' }]);
    expect(await row(id)).toMatchObject({ claim_token: first!.token });
    await store.release([{ id, token: first!.token }]);
    expect(await row(id)).toBeUndefined();
    expect(await store.claim([{ id, fingerprint: 'f' }])).toEqual([{ kind: 'claimed', token: anyString() }]);
  });

  it('records a generated id with its answer in one row, so a re-post is a duplicate', async () => {
    const id = randomUUID();
    await store.record([{ fingerprint: 'g', result: answer(id, '11') }]);
    expect(await row(id)).toEqual({ fingerprint: 'g', claim_token: null, result: answer(id, '11') });
    expect(await store.claim([{ id, fingerprint: 'g' }])).toEqual([
      { kind: 'duplicate', result: answer(id, '11') },
    ]);
  });

  it('a record for an id that already has a row (re-posted elsewhere first) leaves it alone and says so', async () => {
    const id = randomUUID();
    await store.claim([{ id, fingerprint: 'elsewhere' }]);
    await expect(store.record([{ fingerprint: 'g', result: answer(id) }])).rejects.toThrow(
      /1 of 1 answers not stored: event id ".*" already had a row/,
    );
    expect(await row(id)).toMatchObject({ fingerprint: 'elsewhere', result: null });
  });

  it('a record group with one such id stores the others and names only that one', async () => {
    const [before, taken, after] = [randomUUID(), randomUUID(), randomUUID()];
    await store.claim([{ id: taken, fingerprint: 'elsewhere' }]);
    await expect(
      store.record([before, taken, after].map((id) => ({ fingerprint: `g-${id}`, result: answer(id) }))),
    ).rejects.toThrow(`1 of 3 answers not stored: event id "${taken}" already had a row`);
    expect(await row(before)).toEqual({
      fingerprint: `g-${before}`,
      claim_token: null,
      result: answer(before),
    });
    expect(await row(after)).toEqual({ fingerprint: `g-${after}`, claim_token: null, result: answer(after) });
    expect(await row(taken)).toMatchObject({ fingerprint: 'elsewhere', result: null });
  });

  it('client ids with quotes, backslashes, commas, braces and spaces are claimed and completed as sent', async () => {
    const ids = ['a"b', 'c\\d', 'e,f', '{g}', ' h i ', 'NULL', `é😀-${randomUUID()}`].map(
      (id) => `${id}-${randomUUID()}`,
    );
    const claims = await store.claim(ids.map((id) => ({ id, fingerprint: 'f' })));
    await store.complete(
      claims.map((claim, i) => ({
        token: (claim as { token: string }).token,
        result: answer(ids[i]!, String(i)),
      })),
    );
    for (const [i, id] of ids.entries()) {
      expect(await row(id)).toEqual({
        fingerprint: 'f',
        claim_token: anyString(),
        result: answer(id, String(i)),
      });
    }
  });

  it('a claim made while the answer for its id is still queued waits for it', async () => {
    const generated = randomUUID();
    const client = randomUUID();
    const [claimed] = (await store.claim([{ id: client, fingerprint: 'c' }])) as Array<{ token: string }>;
    // One statement of each kind is in flight at a time: these first writes occupy them, so the
    // writes for `generated` and `client` are still queued when the claims go out. Neither is
    // awaited before the claims, as when the publisher answers first.
    const writes = [
      store.record([{ fingerprint: 'x', result: answer(randomUUID()) }]),
      store.record([{ fingerprint: 'g', result: answer(generated, '21') }]),
      store.complete([{ token: 'nobody', result: answer(randomUUID()) }]),
      store.complete([{ token: claimed!.token, result: answer(client, '22') }]),
    ];
    const claims = await Promise.all([
      store.claim([{ id: generated, fingerprint: 'g' }]),
      store.claim([{ id: client, fingerprint: 'c' }]),
    ]);
    expect(claims).toEqual([
      [{ kind: 'duplicate', result: answer(generated, '21') }],
      [{ kind: 'duplicate', result: answer(client, '22') }],
    ]);
    await Promise.all(writes);
  });

  it('settle() waits for every answer still being written', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const writes = ids.map((id) => store.record([{ fingerprint: 'g', result: answer(id) }]));
    await store.settle();
    const stored = await sql<{ n: string }>`
      SELECT count(*) AS n FROM published_events WHERE event_id = ANY(${ids}::text[]) AND result IS NOT NULL`.execute(
      test.db,
    );
    expect(Number(stored.rows[0]!.n)).toBe(ids.length);
    await Promise.all(writes);
  });
});
