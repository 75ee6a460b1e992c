/**
 * The audit owns its position (built app, real Kafka, registry and PostgreSQL). A foreign
 * member joins the audit's consumer group and commits past every record it reads, while
 * 20,000 events are produced and the audit is killed with SIGKILL twice and restarted: the
 * group's offsets run ahead of what the audit stored, and the audit must still store every
 * event exactly once (it seeks back to the position stored with its rows). And a database
 * belongs to one group: the audit started on it with another AUDIT_GROUP_ID refuses to start.
 */
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
import {
  committedOffsets,
  committedToTheEnd,
  EventFamily,
  highWatermarks,
  robGroup,
  type GroupRobber,
} from './audit-family-kit';
import {
  AuditDatabaseProbe,
  exactlyOnceReport,
  launchAudit,
  logLines,
  verifyAudit,
  type LaunchedAudit,
} from './audit-launch-kit';

jest.setTimeout(180_000);

const EVENTS = 20_000;
const TOPICS = 2;
const PARTITIONS = 4;
/** A killed member's partitions move after this long (the broker's minimum is 6 s). */
const SESSION_TIMEOUT_MS = 6_000;

/** Where the stored positions stand against the log and the group, for a failure message. */
async function describeBacklog(
  db: AuditDatabaseProbe,
  group: string,
  topics: readonly string[],
): Promise<string> {
  const [stored, committed, ends, count] = await Promise.all([
    db.positions(),
    committedOffsets(group, topics),
    highWatermarks(topics),
    db.storedCount(),
  ]);
  const rows = [...ends].map(
    ([partition, end]) =>
      `  ${partition}: log end ${end}, stored position ${stored.get(partition) ?? 'none'}, group offset ${committed.get(partition) ?? 'none'}`,
  );
  return [`${count} rows stored; per partition:`, ...rows].join('\n');
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit position owned by its database (built app, real Kafka, registry and PostgreSQL)', () => {
  let registry: TestRegistry;
  const families: EventFamily[] = [];
  const groups: string[] = [];
  const databases: string[] = [];
  const launched: LaunchedAudit[] = [];
  const probes: AuditDatabaseProbe[] = [];
  let robber: GroupRobber | undefined;

  function newFamily(): EventFamily {
    const family = new EventFamily(registry.url);
    families.push(family);
    return family;
  }

  function newDatabase(): string {
    const database = uniqueIdentifier('audit_owned');
    databases.push(database);
    return databaseUrlFor(database);
  }

  function newGroup(): string {
    const group = uniqueName('audit-owned');
    groups.push(group);
    return group;
  }

  async function launch(env: Record<string, string>): Promise<LaunchedAudit> {
    const audit = await launchAudit({
      SCHEMA_REGISTRY_URL: registry.url,
      AUDIT_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      ...env,
    });
    launched.push(audit);
    return audit;
  }

  beforeAll(async () => {
    registry = await startTestRegistry();
  });

  afterAll(async () => {
    await robber?.stop().catch(() => undefined);
    // Gracefully, so that the groups are empty and can be deleted.
    await Promise.all(launched.map((audit) => audit.stop()));
    await Promise.all(probes.map((probe) => probe.close()));
    for (const family of families) await family.remove(groups);
    await registry?.stop();
    if (registry !== undefined) {
      const admin = testKafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [registry.topic] }).finally(() => admin.disconnect());
    }
    for (const database of databases) await dropTestDatabase(database);
  });

  it('stores 20,000 events exactly once across two kill -9s while a foreign group member commits past them', async () => {
    const family = newFamily();
    const topics = Array.from({ length: TOPICS }, (_, i) => family.topic(`owned${i}`));
    for (const topic of topics) await family.createRegistered(topic, PARTITIONS);
    const databaseUrl = newDatabase();
    const group = newGroup();
    // info: the line the consumer logs when it resumes from the stored positions is asserted below.
    const env = {
      DATABASE_URL: databaseUrl,
      AUDIT_GROUP_ID: group,
      AUDIT_TOPIC_PATTERN: family.pattern,
      LOG_LEVEL: 'info',
    };

    let audit = await launch(env);
    await audit.ready();
    const db = await AuditDatabaseProbe.open(databaseUrl);
    probes.push(db);
    const thief = (robber = await robGroup(group, topics, SESSION_TIMEOUT_MS));

    // 40 rounds of 500 events, one a second: the kills and restarts happen while events flow.
    const produced: string[] = [];
    const rounds = 40;
    const producing = (async () => {
      const start = Date.now();
      for (let round = 0; round < rounds; round++) {
        produced.push(...(await family.produce(topics, EVENTS / rounds / TOPICS)));
        await pause(Math.max(0, start + (round + 1) * 1_000 - Date.now()));
      }
    })();
    let productionDone = false;
    void producing.then(() => (productionDone = true)).catch(() => undefined);

    /** Kill the audit once it stored `more` rows more, let the thief take everything, restart. */
    const killAndRestart = async (more: number): Promise<{ ahead: number }> => {
      const from = await db.storedCount();
      await waitFor(async () => (await db.storedCount()) >= from + more, {
        timeoutMs: 60_000,
        intervalMs: 200,
        description: `the audit to store ${more} more events`,
      });
      expect(productionDone).toBe(false);
      await audit.kill();
      // The dead member's partitions go to the thief after the session timeout; it reads on.
      await waitFor(() => thief.partitions() === TOPICS * PARTITIONS, {
        timeoutMs: 30_000,
        description: "the foreign member to take the killed audit's partitions",
      });
      const robbedBefore = thief.robbed();
      await waitFor(() => thief.robbed() >= robbedBefore + 500, {
        timeoutMs: 15_000,
        description: 'the foreign member to commit past more events',
      });
      const [committed, stored] = await Promise.all([committedOffsets(group, topics), db.positions()]);
      const ahead = [...committed].filter(
        ([partition, offset]) => offset > (stored.get(partition) ?? 0n),
      ).length;
      audit = await launch(env);
      await audit.ready();
      return { ahead };
    };
    const first = await killAndRestart(3_000);
    const second = await killAndRestart(2_000);
    // The group's offsets ran ahead of the stored positions before each restart.
    expect(first.ahead).toBeGreaterThan(0);
    expect(second.ahead).toBeGreaterThan(0);

    await producing;
    expect(produced).toHaveLength(EVENTS);
    // The group says everything was consumed while the audit still misses the thief's share;
    // then the thief leaves and the audit gets all partitions.
    await waitFor(() => committedToTheEnd(group, topics), {
      timeoutMs: 30_000,
      description: "the group's offsets to reach the end of every partition",
    });
    const storedWhenGroupDone = await db.storedCount();
    expect(storedWhenGroupDone).toBeLessThan(EVENTS);
    await thief.stop();
    robber = undefined;

    await waitFor(async () => (await db.storedCount()) >= EVENTS, {
      timeoutMs: 60_000,
      intervalMs: 500,
      description: `all ${EVENTS} events to be stored once the foreign member left`,
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await describeBacklog(db, group, topics)}`);
    });

    const report = exactlyOnceReport(produced, await db.rowsPerEventId());
    expect({
      missing: report.missing.length,
      unexpected: report.unexpected,
      doubled: report.doubled,
    }).toEqual({
      missing: 0,
      unexpected: [],
      doubled: [],
    });
    expect(report.stored).toBe(EVENTS);
    const verified = await verifyAudit(audit.url);
    expect({ status: verified.status, ok: verified.body.ok, checked: verified.body.checked }).toEqual({
      status: 200,
      ok: true,
      checked: EVENTS,
    });
    // On each assignment the audit went back to its own positions, whatever the group's offsets said.
    const seekBacks = launched
      .flatMap((instance) => logLines(instance.output()))
      .filter((line) => line.msg.includes('resuming from the stored positions'));
    expect(seekBacks.length).toBeGreaterThan(0);
    process.stdout.write(
      `owned position: thief read ${thief.robbed()} records; stored ${storedWhenGroupDone} when the group was at the end; partitions ahead before restarts ${first.ahead}, ${second.ahead}; ${seekBacks.length} seek-backs\n`,
    );
  });

  it('stores the events a foreign commit skipped while it was stopped, without waiting for new events', async () => {
    const family = newFamily();
    const topic = family.topic('skipped');
    await family.createRegistered(topic, 2);
    const databaseUrl = newDatabase();
    const group = newGroup();
    const env = { DATABASE_URL: databaseUrl, AUDIT_GROUP_ID: group, AUDIT_TOPIC_PATTERN: family.pattern };
    const before = await launch(env);
    await before.ready();
    const probe = await AuditDatabaseProbe.open(databaseUrl);
    probes.push(probe);
    const early = await family.produce([topic], 100);
    await waitFor(async () => (await probe.storedCount()) >= 100, {
      timeoutMs: 30_000,
      description: 'the first 100 events to be stored',
    });
    await before.stop();

    // While the audit is stopped: 100 more events, and someone moves the group to the end of the log.
    const late = await family.produce([topic], 100);
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    } finally {
      await admin.disconnect();
    }
    expect(await committedToTheEnd(group, [topic])).toBe(true);

    const after = await launch(env);
    await after.ready();
    // No event arrives any more: the audit must go back to its stored position on its own.
    await waitFor(async () => (await probe.storedCount()) >= 200, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'the 100 events behind the moved group offset to be stored',
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await describeBacklog(probe, group, [topic])}`);
    });
    const report = exactlyOnceReport([...early, ...late], await probe.rowsPerEventId());
    expect({
      missing: report.missing.length,
      unexpected: report.unexpected,
      doubled: report.doubled,
    }).toEqual({
      missing: 0,
      unexpected: [],
      doubled: [],
    });
  });

  it('refuses to start on a database that holds another consumer group, naming both groups', async () => {
    const family = newFamily();
    const topic = family.topic('claimed');
    await family.createRegistered(topic, 1);
    const databaseUrl = newDatabase();
    const owner = newGroup();
    const intruder = newGroup();

    const first = await launch({
      DATABASE_URL: databaseUrl,
      AUDIT_GROUP_ID: owner,
      AUDIT_TOPIC_PATTERN: family.pattern,
    });
    await first.ready();
    await first.stop();

    const second = await launch({
      DATABASE_URL: databaseUrl,
      AUDIT_GROUP_ID: intruder,
      AUDIT_TOPIC_PATTERN: family.pattern,
    });
    await expect(second.ready(30_000)).rejects.toThrow(/exited with code/);
    const code = await second.exit;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const output = second.output();
    expect(output).toContain(`"${owner}"`);
    expect(output).toContain(`"${intruder}"`);
    // It refused before joining anything: the intruding group never got a member or an offset.
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const { groups: described } = await admin.describeGroups([intruder]);
      expect(described[0]?.members ?? []).toEqual([]);
      const offsets = await admin.fetchOffsets({ groupId: intruder, topics: [topic] });
      expect(offsets.flatMap((t) => t.partitions.map((p) => p.offset))).toEqual(['-1']);
    } finally {
      await admin.disconnect();
    }
  });
});
