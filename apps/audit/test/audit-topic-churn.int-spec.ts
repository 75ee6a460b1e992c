/**
 * Topic churn under load (built audit app, real Kafka, registry and PostgreSQL). For 60 s a
 * loop creates a topic of the audit's event-type family every second and deletes one created
 * a few seconds earlier (each with its subject registered, as a new event type is), so the `*`
 * subscription keeps picking up topics that are then deleted (each deletion poisons a kafkajs
 * consumer that subscribed to it: the runtime must replace it); a topic of the family without a
 * subject in the registry is never read. Meanwhile 10,000 events go to stable topics of the same family. Every event
 * must be stored exactly once with intact chains, and readiness must tell the truth
 * throughout: sampled every 250 ms, it agrees with `herald_consumer_running`, and it is never
 * 200 for long while events are pending and nothing is stored.
 */
import {
  dropTestDatabase,
  databaseUrlFor,
  startTestRegistry,
  testKafka,
  uniqueIdentifier,
  uniqueName,
  waitFor,
  type TestRegistry,
} from '@app/testing';
import { EventFamily } from './audit-family-kit';
import {
  AuditDatabaseProbe,
  consumerSignals,
  exactlyOnceReport,
  launchAudit,
  logLines,
  verifyAudit,
  type ConsumerSignals,
  type LaunchedAudit,
  type LogLine,
} from './audit-launch-kit';

jest.setTimeout(180_000);

const CHURN_MS = 60_000;
const EVENTS = 10_000;
const STABLE_TOPICS = 4;
const PARTITIONS = 4;
/** A created churn topic lives this many ticks (seconds) before the loop deletes it. */
const CHURN_LIFETIME = 3;
const SAMPLE_EVERY_MS = 250;
/** Readiness 200 while events wait and nothing is stored, for longer than this, is a lie. */
const MAX_SILENT_STALL_MS = 15_000;
/** The two signals are read by two requests at once: they may straddle a state change, briefly. */
const MAX_DISAGREEMENT_MS = 1_000;

interface Sample extends ConsumerSignals {
  readonly at: number;
  readonly produced: number;
  readonly stored: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `step` every `everyMs` (counted from the loop's start, not after each step) while `more` holds. */
async function paced(
  everyMs: number,
  more: (tick: number) => boolean,
  step: (tick: number) => Promise<void>,
): Promise<void> {
  const start = Date.now();
  for (let tick = 0; more(tick); tick++) {
    await step(tick);
    await pause(Math.max(0, start + (tick + 1) * everyMs - Date.now()));
  }
}

/** Longest run of consecutive samples matching `bad`, in ms from its first to its last sample. */
function longestRun(samples: readonly Sample[], bad: (s: Sample, first: Sample) => boolean) {
  let longest = { ms: 0, from: undefined as Sample | undefined, to: undefined as Sample | undefined };
  let first: Sample | undefined;
  for (const s of samples) {
    if (first !== undefined && bad(s, first)) {
      if (s.at - first.at > longest.ms) longest = { ms: s.at - first.at, from: first, to: s };
    } else {
      first = bad(s, s) ? s : undefined;
    }
  }
  return longest;
}

/** A run of samples, with what the consumer logged around it, for a failure message. */
function describeRun(run: ReturnType<typeof longestRun>, lines: readonly LogLine[]): string {
  const from = (run.from?.at ?? 0) - 2_000;
  const to = (run.to?.at ?? 0) + 2_000;
  const logged = lines
    .filter((l) => l.time !== undefined && l.time >= from && l.time <= to)
    .filter((l) => l.context === 'HeraldConsumer' || l.msg.startsWith('Crash'))
    .map((l) => `  ${new Date(l.time!).toISOString()} ${l.msg.slice(0, 300)}`);
  return [
    `${run.ms} ms, from ${JSON.stringify(run.from)} to ${JSON.stringify(run.to)}; the consumer logged:`,
    ...logged,
  ].join('\n');
}

describe('audit under topic churn (built app, real Kafka, registry and PostgreSQL)', () => {
  let registry: TestRegistry;
  let family: EventFamily;
  let audit: LaunchedAudit | undefined;
  let probe: AuditDatabaseProbe | undefined;
  const database = uniqueIdentifier('audit_churn');
  const group = uniqueName('audit-churn');

  beforeAll(async () => {
    registry = await startTestRegistry();
    family = new EventFamily(registry.url);
  });

  afterAll(async () => {
    await audit?.stop(); // gracefully, so that the group is empty and can be deleted
    await probe?.close();
    await family?.remove([group]);
    await registry?.stop();
    if (registry !== undefined) {
      const admin = testKafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [registry.topic] }).finally(() => admin.disconnect());
    }
    await dropTestDatabase(database);
  });

  it('stores 10,000 events exactly once while topics of its family are created and deleted every second, and readiness tells the truth', async () => {
    const stable = Array.from({ length: STABLE_TOPICS }, (_, i) => family.topic(`stable${i}`));
    for (const topic of stable) await family.createRegistered(topic, PARTITIONS);
    const databaseUrl = databaseUrlFor(database);
    audit = await launchAudit({
      DATABASE_URL: databaseUrl,
      SCHEMA_REGISTRY_URL: registry.url,
      AUDIT_GROUP_ID: group,
      AUDIT_TOPIC_PATTERN: family.pattern,
      // info: the consumer's "reading <topics>" lines show which churn topics it picked up.
      LOG_LEVEL: 'info',
    });
    await audit.ready();
    const running = audit;
    const db = (probe = await AuditDatabaseProbe.open(databaseUrl));

    const produced: string[] = [];
    const samples: Sample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [signals, stored] = await Promise.all([consumerSignals(running.url, group), db.storedCount()]);
        samples.push({ ...signals, at: Date.now(), produced: produced.length, stored });
        await pause(SAMPLE_EVERY_MS);
      }
    })();

    // A topic of the family without a subject in the audit's registry (another registry's type on
    // a shared cluster): '*' must never read it.
    const foreign = family.topic('foreign', 'created');
    await family.createBare(foreign, 1);

    const started = Date.now();
    const churnEnd = started + CHURN_MS;
    const churned: string[] = [];
    const churn = paced(
      1_000,
      () => Date.now() < churnEnd,
      async (tick) => {
        const topic = family.topic(`churn${tick}`, 'created');
        await family.createRegistered(topic, 2);
        churned.push(topic);
        const old = churned[tick - CHURN_LIFETIME];
        if (old !== undefined) await family.deleteTopic(old);
      },
    );
    // Spread over the churn so events are pending whenever the consumer is being replaced.
    const ticks = 50;
    const perTopicPerTick = EVENTS / ticks / STABLE_TOPICS;
    const producing = paced(
      (CHURN_MS - 5_000) / ticks,
      (tick) => tick < ticks,
      async () => {
        produced.push(...(await family.produce(stable, perTopicPerTick)));
      },
    );
    await Promise.all([churn, producing]);
    for (const topic of churned.slice(-CHURN_LIFETIME)) await family.deleteTopic(topic);
    expect(produced).toHaveLength(EVENTS);

    await waitFor(async () => (await db.storedCount()) >= EVENTS, {
      timeoutMs: 60_000,
      intervalMs: 500,
      description: `all ${EVENTS} events to be stored`,
    }).finally(() => {
      sampling = false;
    });
    await sampler;

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
    const verified = await verifyAudit(running.url);
    expect({ status: verified.status, ok: verified.body.ok, checked: verified.body.checked }).toEqual({
      status: 200,
      ok: true,
      checked: EVENTS,
    });

    // The churn reached the consumer: it subscribed to churn topics that were deleted afterwards.
    const lines = logLines(running.output());
    const pickedUp = lines.filter(
      (l) => l.msg.startsWith('reading ') && l.msg.includes(`${family.domain}.churn`),
    );
    expect(pickedUp.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.msg.startsWith('reading ') && l.msg.includes(foreign))).toEqual([]);

    // Sampled throughout, and the two signals agree (beyond a sample straddling a change).
    expect(samples.length).toBeGreaterThan((Date.now() - started) / (4 * SAMPLE_EVERY_MS));
    const consumerUp = (s: Sample) => s.consumerProblem === undefined;
    expect(samples.filter((s) => consumerUp(s) && s.readyStatus !== 200)).toEqual([]);
    expect(samples.filter((s) => !consumerUp(s) && s.readyStatus !== 503)).toEqual([]);
    const disagreement = longestRun(samples, (s) => consumerUp(s) !== (s.running === 1));
    // Never "ready" for long while events wait and nothing moves.
    const silentStall = longestRun(
      samples,
      (s, first) => s.readyStatus === 200 && s.produced > s.stored && s.stored === first.stored,
    );
    const notReady = samples.filter((s) => s.readyStatus !== 200).length;
    process.stdout.write(
      `topic churn: ${samples.length} samples, ${notReady} not ready, ${pickedUp.length} subscriptions with churn topics, ` +
        `longest disagreement ${disagreement.ms} ms, longest silent stall ${silentStall.ms} ms, ` +
        `${Math.round((Date.now() - started) / 1000)} s\n`,
    );
    expect(disagreement.ms <= MAX_DISAGREEMENT_MS ? 'agree' : describeRun(disagreement, lines)).toBe('agree');
    expect(silentStall.ms <= MAX_SILENT_STALL_MS ? 'no silent stall' : describeRun(silentStall, lines)).toBe(
      'no silent stall',
    );
  });
});
