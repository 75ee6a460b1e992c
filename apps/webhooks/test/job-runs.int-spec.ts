/**
 * Jobs on real PostgreSQL, two runners standing for two instances: a job is claimed by one at a
 * time (lease), a stopped instance gives it back at once, a dead one's lease ends and another
 * resumes it from its last committed batch (a recover job interrupted after one batch finishes
 * with exact counts), a job interrupted more than `maxRuns` times is failed, and a cancelled or
 * taken-over job gets no further write from its old run.
 */
import { sql } from 'kysely';
import { migrateSchema } from '@app/persistence';
import { createTestSchema, waitFor, type TestSchema } from '@app/testing';
import type { RecoverResult } from '../src/domain/jobs';
import { newJobId } from '../src/domain/operation-requests';
import { JobLostError, type JobRuns } from '../src/jobs/job-runs';
import { RecoverJob } from '../src/jobs/recover-job';
import { PostgresJobRuns } from '../src/storage/job-runs.postgres';
import { PostgresJobStore } from '../src/storage/job-store.postgres';
import { PostgresRecoverStore } from '../src/storage/recover-store.postgres';
import { WEBHOOKS_MIGRATIONS } from '../src/storage/webhooks-migrations';
import type { WebhooksDatabase } from '../src/storage/webhooks-tables';

const ENDPOINT = 'ep_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const SINCE = new Date('2026-01-01T00:00:00Z');

describe('jobs: claims, leases and resumed runs (real PostgreSQL)', () => {
  let schema: TestSchema<unknown>;
  let store: PostgresJobStore;
  let a: PostgresJobRuns;
  let b: PostgresJobRuns;

  beforeEach(async () => {
    schema = await createTestSchema('webhooks_jobs');
    await migrateSchema(schema.db, schema.schema, WEBHOOKS_MIGRATIONS);
    await sql`INSERT INTO endpoints (id, url, types) VALUES (${ENDPOINT}, 'https://example.com', '{*}')`.execute(
      schema.db,
    );
    store = new PostgresJobStore(schema.db.withTables<WebhooksDatabase>());
    a = new PostgresJobRuns(schema.db, { owner: 'a', leaseMs: 1_000, maxRuns: 2 });
    b = new PostgresJobRuns(schema.db, { owner: 'b', leaseMs: 1_000, maxRuns: 2 });
  });
  afterEach(() => schema.drop());

  const queue = async (): Promise<string> => {
    const job = await store.create({
      id: newJobId(),
      kind: 'recover',
      endpointId: ENDPOINT,
      since: SINCE,
      until: null,
    });
    return job!.id;
  };
  const progress = (done: number) => ({ done, total: 10, cursor: { at: done }, result: null });

  it('is claimed by one runner at a time; a released job is claimed again at once', async () => {
    const id = await queue();
    expect(await a.claim()).toMatchObject({
      id,
      kind: 'recover',
      endpointId: ENDPOINT,
      runs: 1,
      cursor: null,
    });
    expect(await b.claim()).toBeUndefined();
    expect(await a.heartbeat(id)).toBe(true);
    expect(await b.heartbeat(id)).toBe(false);
    await a.batch(id, async () => ({ value: undefined, progress: progress(4) }));
    await a.release(id);
    expect(await b.claim()).toMatchObject({ id, runs: 2, done: 4, cursor: { at: 4 } });
    expect((await store.find(id))?.state).toBe('running');
  });

  it("resumes a job whose runner died once its lease ended; the old run's writes are refused", async () => {
    const id = await queue();
    await a.claim();
    await a.batch(id, async () => ({ value: undefined, progress: progress(3) }));
    const resumed = await waitFor(() => b.claim(), { timeoutMs: 5_000, description: "a's lease to end" });
    expect(resumed).toMatchObject({ id, runs: 2, done: 3, cursor: { at: 3 } });
    await expect(
      a.batch(id, async () => ({ value: undefined, progress: progress(9) })),
    ).rejects.toBeInstanceOf(JobLostError);
    expect(await a.heartbeat(id)).toBe(false);
    await a.succeed(id, { recovered: 9, limit: 10, more: false });
    expect((await store.find(id))?.state).toBe('running');
    await b.succeed(id, { recovered: 3, limit: 10, more: false });
    expect(await store.find(id)).toMatchObject({
      state: 'succeeded',
      progress: { done: 3, total: 10 },
      result: { recovered: 3 },
    });
  });

  it('fails a job interrupted more than maxRuns times', async () => {
    const id = await queue();
    await a.claim();
    await waitFor(() => b.claim(), { timeoutMs: 5_000 });
    // The third claim finds it over the limit: failed, and nothing to claim.
    expect(
      await waitFor(
        async () => (await a.claim()) === undefined && (await store.find(id))?.state === 'failed',
        {
          timeoutMs: 5_000,
        },
      ),
    ).toBe(true);
    expect((await store.find(id))?.error).toMatch(/^the job was interrupted 2 times/);
  });

  it('stops a cancelled job: its run can write nothing more', async () => {
    const id = await queue();
    await a.claim();
    await a.batch(id, async () => ({ value: undefined, progress: progress(2) }));
    expect((await store.cancel(id))?.job).toMatchObject({ state: 'cancelled', progress: { done: 2 } });
    await expect(
      a.batch(id, async () => ({ value: undefined, progress: progress(5) })),
    ).rejects.toBeInstanceOf(JobLostError);
    await a.fail(id, 'too late');
    expect(await store.find(id)).toMatchObject({ state: 'cancelled', progress: { done: 2 } });
    expect(await store.cancel(id)).toMatchObject({ kind: 'ended' });
    expect(await b.claim()).toBeUndefined();
  });

  it('resumes a recover job after its first batch with exact counts', async () => {
    for (let i = 0; i < 5; i++) {
      const { rows } = await sql<{ id: string }>`
        INSERT INTO messages (event_id, type, topic, kafka_partition, kafka_offset, time, source, value)
        VALUES (${`e${i}`}, 'a.b.c', 'a.b.c', 0, ${i}, '', 's', '\\x00') RETURNING id::text`.execute(
        schema.db,
      );
      await sql`INSERT INTO deliveries (id, endpoint_id, message_id, event_id, type, status, attempts, created_at)
                VALUES (${`dlv_${i}`}, ${ENDPOINT}, ${rows[0]!.id}::bigint, ${`e${i}`}, 'a.b.c', 'failed', 8,
                        ${SINCE.toISOString()}::timestamptz + make_interval(mins => ${i}))`.execute(
        schema.db,
      );
    }
    const id = await queue();
    const recoverStore = new PostgresRecoverStore(schema.db);
    // Runner a "dies" after its first batch: the abort stands for the process going away.
    const abort = new AbortController();
    const dying: JobRuns = {
      claim: () => a.claim(),
      heartbeat: (job) => a.heartbeat(job),
      release: (job) => a.release(job),
      succeed: (job, result) => a.succeed(job, result),
      fail: (job, error) => a.fail(job, error),
      batch: async (job, work) => {
        const value = await a.batch(job, work);
        abort.abort();
        return value;
      },
    };
    const first = await a.claim();
    await expect(new RecoverJob(dying, recoverStore, 100, 2).run(first!, abort.signal)).rejects.toThrow();
    const statuses = async () =>
      (await sql<{ status: string }>`SELECT status FROM deliveries ORDER BY id`.execute(schema.db)).rows.map(
        (r) => r.status,
      );
    expect(await statuses()).toEqual(['pending', 'pending', 'failed', 'failed', 'failed']);
    const resumed = await waitFor(() => b.claim(), { timeoutMs: 5_000 });
    expect(resumed).toMatchObject({ done: 2, total: 5 });
    const result: RecoverResult = await new RecoverJob(b, recoverStore, 100, 2).run(
      resumed,
      new AbortController().signal,
    );
    expect(result).toEqual({ recovered: 5, limit: 100, more: false });
    expect(await statuses()).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    // The two made due in the first run were not counted again.
    await b.succeed(id, result);
    expect(await store.find(id)).toMatchObject({ state: 'succeeded', progress: { done: 5, total: 5 } });
  });
});
