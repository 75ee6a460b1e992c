/**
 * The audit app end to end, started from dist as a user starts it, on the real Kafka, schema
 * registry and PostgreSQL: a kill -9 in the middle of 10,000 events and a restart leave each
 * event stored exactly once with intact chains; two instances share the partitions and a
 * stopped one hands its partitions over without loss.
 */
import {
  databaseUrlFor,
  dropTestDatabase,
  startTestRegistry,
  uniqueIdentifier,
  uniqueName,
  waitFor,
  type TestRegistry,
} from '@app/testing';
import {
  auditEventIds,
  auditRowCount,
  createAuditedTopic,
  startAudit,
  type AuditedTopic,
  type AuditProcess,
} from './audit-process-kit';

jest.setTimeout(240_000);

interface VerifyBody {
  ok: boolean;
  checked: number;
}

async function verify(app: AuditProcess): Promise<VerifyBody> {
  return (await (await fetch(`${app.url}/v1/audit/verify`, { method: 'POST' })).json()) as VerifyBody;
}

describe('audit app through Kafka (built app, real Kafka, registry and PostgreSQL)', () => {
  let registry: TestRegistry;
  const databases: string[] = [];
  const running: AuditProcess[] = [];
  const topics: AuditedTopic[] = [];

  async function auditedTopic(partitions: number): Promise<AuditedTopic> {
    const audited = await createAuditedTopic(registry.url, partitions);
    topics.push(audited);
    return audited;
  }

  /** Env of one audit deployment: its own database, group and topic. */
  function deployment(topic: string): { env: Record<string, string>; databaseUrl: string } {
    const database = uniqueIdentifier('audit_e2e');
    databases.push(database);
    const databaseUrl = databaseUrlFor(database);
    return {
      databaseUrl,
      env: {
        DATABASE_URL: databaseUrl,
        SCHEMA_REGISTRY_URL: registry.url,
        AUDIT_GROUP_ID: uniqueName('audit'),
        // The '*' handler, narrowed to this test's topic: the broker is shared with other tests.
        AUDIT_TOPIC_PATTERN: `^${topic.replace(/\./g, '\\.')}$`,
        // A killed instance's partitions move after 6 s instead of Kafka's default 30 s.
        AUDIT_SESSION_TIMEOUT_MS: '6000',
      },
    };
  }

  async function start(env: Record<string, string>): Promise<AuditProcess> {
    const app = await startAudit(env);
    running.push(app);
    return app;
  }

  beforeAll(async () => {
    registry = await startTestRegistry();
  });

  afterAll(async () => {
    await Promise.all(running.map((app) => app.kill()));
    await Promise.all(topics.map((t) => t.delete()));
    await registry?.stop();
    for (const database of databases) await dropTestDatabase(database);
  });

  it('stores each of 10,000 events exactly once across a kill -9 and a restart, and the chains verify', async () => {
    const audited = await auditedTopic(3);
    const { env, databaseUrl } = deployment(audited.topic);
    const first = await start(env);
    const producing = audited.produce(10_000);
    await waitFor(async () => (await auditRowCount(databaseUrl)) >= 2_000, {
      timeoutMs: 120_000,
      description: 'the first instance to store some events',
    });
    await first.kill();
    const stoppedAt = await auditRowCount(databaseUrl);
    expect(stoppedAt).toBeLessThan(10_000);

    const second = await start(env);
    const ids = await producing;
    await waitFor(async () => (await auditRowCount(databaseUrl)) >= 10_000, {
      timeoutMs: 150_000,
      intervalMs: 500,
      description: 'all 10,000 events to be stored after the restart',
    });
    const stored = await auditEventIds(databaseUrl);
    expect(stored).toHaveLength(10_000);
    expect(new Set(stored)).toEqual(new Set(ids));
    await expect(verify(second)).resolves.toEqual(expect.objectContaining({ ok: true, checked: 10_000 }));
  });

  it('shares partitions between two instances, and the survivor takes over a stopped one without loss', async () => {
    const audited = await auditedTopic(4);
    const { env, databaseUrl } = deployment(audited.topic);
    // One after the other: two first boots racing to create one database fail in ensureDatabase.
    const one = await start(env);
    const two = await start(env);
    const before = await audited.produce(2_000);
    await waitFor(
      async () =>
        (await one.metric('herald_audit_events_stored_total')) > 0 &&
        (await two.metric('herald_audit_events_stored_total')) > 0,
      {
        timeoutMs: 60_000,
        description: 'both instances to store events of their partitions',
      },
    );
    await one.stop();
    const after = await audited.produce(2_000);
    await waitFor(async () => (await auditRowCount(databaseUrl)) >= 4_000, {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'the survivor to store every event',
    });
    const stored = await auditEventIds(databaseUrl);
    expect(stored).toHaveLength(4_000);
    expect(new Set(stored)).toEqual(new Set([...before, ...after]));
    await expect(verify(two)).resolves.toEqual(expect.objectContaining({ ok: true, checked: 4_000 }));
  });
});
