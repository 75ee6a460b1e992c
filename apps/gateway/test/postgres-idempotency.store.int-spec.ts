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

/** A row as every mode reads it: the answer from `published_answers` or from the claim's row. */
const rowOf = async (db: TestSchema<unknown>['db'], id: string) =>
  (
    await sql<{ fingerprint: string; claim_token: string | null; result: AcceptedEvent | null }>`
      SELECT p.fingerprint, p.claim_token, COALESCE(p.result, CASE WHEN a.event_id IS NOT NULL THEN
        jsonb_build_object('id', a.event_id, 'type', a.type, 'version', a.version, 'topic', a.topic,
          'partition', a.partition, 'offset', a."offset") END) AS result
      FROM published_events p
      LEFT JOIN published_answers a ON a.event_id = p.event_id AND a.claim_token = p.claim_token
      WHERE p.event_id = ${id}`.execute(db)
  ).rows[0];

describe.each(['table', 'row'] as const)('PostgresIdempotencyStore, answers in the %s', (answers) => {
  let test: TestSchema<unknown>;
  let store: PostgresIdempotencyStore;

  beforeAll(async () => {
    test = await createTestSchema('gateway_idem');
    await migrateSchema(test.db, test.schema, gatewayMigrations);
    store = new PostgresIdempotencyStore(test.db, { windowMs: 3_600_000, staleClaimMs: 30_000, answers });
  });

  afterAll(async () => {
    await test?.drop();
  });

  const row = (id: string) => rowOf(test.db, id);

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

describe('PostgresIdempotencyStore across modes and takeovers', () => {
  let test: TestSchema<unknown>;
  let table: PostgresIdempotencyStore;
  let rows: PostgresIdempotencyStore;
  const settings = { windowMs: 3_600_000, staleClaimMs: 30_000 };

  beforeAll(async () => {
    test = await createTestSchema('gateway_idem_modes');
    await migrateSchema(test.db, test.schema, gatewayMigrations);
    table = new PostgresIdempotencyStore(test.db, { ...settings, answers: 'table' });
    rows = new PostgresIdempotencyStore(test.db, { ...settings, answers: 'row' });
  });

  afterAll(async () => {
    await test?.drop();
  });

  const age = (id: string, seconds: number) =>
    sql`UPDATE published_events SET claimed_at = now() - make_interval(secs => ${seconds})
        WHERE event_id = ${id}`.execute(test.db);
  const answerRows = async (id: string) =>
    (
      await sql<{
        claim_token: string;
      }>`SELECT claim_token FROM published_answers WHERE event_id = ${id}`.execute(test.db)
    ).rows;

  it('an answer either mode stored is a duplicate for the other (a rolling upgrade in both directions)', async () => {
    for (const [writer, reader] of [
      [table, rows],
      [rows, table],
    ] as const) {
      const id = randomUUID();
      const [claimed] = (await writer.claim([{ id, fingerprint: 'f' }])) as Array<{ token: string }>;
      await writer.complete([{ token: claimed!.token, result: answer(id, '5') }]);
      expect(await reader.claim([{ id, fingerprint: 'f' }])).toEqual([
        { kind: 'duplicate', result: answer(id, '5') },
      ]);
      expect(await reader.claim([{ id, fingerprint: 'other' }])).toEqual([{ kind: 'conflict' }]);
    }
  });

  it('the table mode writes no UPDATE: the claim row keeps no result, the answer row names the claim', async () => {
    const id = randomUUID();
    const [claimed] = (await table.claim([{ id, fingerprint: 'f' }])) as Array<{ token: string }>;
    await table.complete([{ token: claimed!.token, result: answer(id) }]);
    const raw = await sql<{
      result: unknown;
    }>`SELECT result FROM published_events WHERE event_id = ${id}`.execute(test.db);
    expect(raw.rows).toEqual([{ result: null }]);
    expect(await answerRows(id)).toEqual([{ claim_token: claimed!.token }]);
  });

  it.each(['table', 'row'] as const)(
    'a stale claim is taken over once unanswered, and only the new owner’s answer counts (%s)',
    async (mode) => {
      const store = mode === 'table' ? table : rows;
      const id = randomUUID();
      const [first] = (await store.claim([{ id, fingerprint: 'f' }])) as Array<{ token: string }>;
      await age(id, 60);
      const [second] = (await store.claim([{ id, fingerprint: 'f' }])) as Array<{
        kind: string;
        token: string;
      }>;
      expect(second).toEqual({ kind: 'claimed', token: anyString() });
      expect(second!.token).not.toBe(first!.token);
      // The first owner was not dead after all: its late answer is not the id's answer.
      await store.complete([{ token: first!.token, result: answer(id, '1') }]);
      expect(await store.claim([{ id, fingerprint: 'f' }])).toEqual([{ kind: 'in-flight' }]);
      await store.complete([{ token: second!.token, result: answer(id, '2') }]);
      expect(await store.claim([{ id, fingerprint: 'f' }])).toEqual([
        { kind: 'duplicate', result: answer(id, '2') },
      ]);
      // An answered claim is never taken over, however old, nor released.
      await age(id, 60);
      expect(await store.claim([{ id, fingerprint: 'f' }])).toEqual([
        { kind: 'duplicate', result: answer(id, '2') },
      ]);
      await store.release([{ id, token: second!.token }]);
      expect(await rowOf(test.db, id)).toMatchObject({ result: answer(id, '2') });
    },
  );

  it('answers of the old and the new owner of one id sent together: the new owner’s counts', async () => {
    // Answers linger for company, so both would go out in one statement.
    const lingering = new PostgresIdempotencyStore(test.db, { ...settings, answerLingerMs: 50 });
    const id = randomUUID();
    const [first] = (await table.claim([{ id, fingerprint: 'f' }])) as Array<{ token: string }>;
    await age(id, 60);
    const [second] = (await table.claim([{ id, fingerprint: 'f' }])) as Array<{ token: string }>;
    await Promise.all([
      lingering.complete([{ token: first!.token, result: answer(id, '1') }]),
      lingering.complete([{ token: second!.token, result: answer(id, '2') }]),
    ]);
    expect(await table.claim([{ id, fingerprint: 'f' }])).toEqual([
      { kind: 'duplicate', result: answer(id, '2') },
    ]);
  });

  it('a released claim takes the late answer of the owner it was taken over from with it', async () => {
    const id = randomUUID();
    const [first] = (await table.claim([{ id, fingerprint: 'f' }])) as Array<{ token: string }>;
    await age(id, 60);
    const [second] = (await table.claim([{ id, fingerprint: 'f' }])) as Array<{ token: string }>;
    await table.complete([{ token: first!.token, result: answer(id, '1') }]);
    expect(await answerRows(id)).toEqual([{ claim_token: first!.token }]);
    // The new owner's send fails: the id is free again, and no answer is left behind.
    await table.release([{ id, token: second!.token }]);
    expect(await rowOf(test.db, id)).toBeUndefined();
    expect(await answerRows(id)).toEqual([]);
    expect(await table.claim([{ id, fingerprint: 'f' }])).toEqual([{ kind: 'claimed', token: anyString() }]);
  });

  it('an expired row is claimed afresh and its old answer dropped; pruning takes answers with claims', async () => {
    const id = randomUUID();
    const [old] = (await table.claim([{ id, fingerprint: 'f' }])) as Array<{ token: string }>;
    await table.complete([{ token: old!.token, result: answer(id, '1') }]);
    await age(id, 7_200);
    const [fresh] = (await table.claim([{ id, fingerprint: 'g' }])) as Array<{ kind: string; token: string }>;
    expect(fresh).toEqual({ kind: 'claimed', token: anyString() });
    expect(await answerRows(id)).toEqual([]);
    await table.complete([{ token: fresh!.token, result: answer(id, '2') }]);
    expect(await answerRows(id)).toEqual([{ claim_token: fresh!.token }]);
    await age(id, 7_200);
    expect(await table.prune()).toBeGreaterThanOrEqual(1);
    expect(await rowOf(test.db, id)).toBeUndefined();
    expect(await answerRows(id)).toEqual([]);
  });

  it('concurrent claims of one id on two stores (two instances): exactly one is claimed', async () => {
    for (let i = 0; i < 20; i++) {
      const id = randomUUID();
      const outcomes = (
        await Promise.all([table.claim([{ id, fingerprint: 'f' }]), rows.claim([{ id, fingerprint: 'f' }])])
      ).flat();
      expect(outcomes.filter((o) => o.kind === 'claimed')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'in-flight')).toHaveLength(1);
    }
  });
});
