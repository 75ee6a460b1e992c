/**
 * Consumer apps killed again and again: one instance of every app on a private Kafka, and while
 * CHAOS_EVENTS (100,000) payment events go through the gateway, audit, analytics and webhooks are
 * killed with SIGKILL in turn (no shutdown, no offset commit, no leaving the group) and started
 * again, every CHAOS_KILL_INTERVAL_MS, until each was killed CHAOS_KILLS times. Then every promise
 * is counted exactly: Kafka holds each event once, audit has one row per event, analytics counts
 * each event once, webhooks record one delivered delivery per (event, endpoint) and the receiver
 * got every event at least once.
 */
import { randomUUID } from 'node:crypto';
import type { AppProcess } from './support/apps';
import { exactOutcome, recordsIn, settledOutcome } from './support/outcome';
import { PAYMENT_TYPE as TYPE, chaosSetting, publishAll } from './support/publisher';
import { ChaosRig } from './support/rig';

const EVENTS = chaosSetting('CHAOS_EVENTS', 100_000);
const KILLS = chaosSetting('CHAOS_KILLS', 3);
const KILL_INTERVAL_MS = chaosSetting('CHAOS_KILL_INTERVAL_MS', 15_000);

jest.setTimeout(1_800_000);

/** Kills the apps in turn until each was killed `kills` times; returns what it did, for the figures. */
async function killInTurn(
  apps: readonly AppProcess[],
  kills: number,
  stopped: () => boolean,
): Promise<string[]> {
  const done: string[] = [];
  for (let round = 0; round < kills; round++) {
    for (const app of apps) {
      await new Promise((resolve) => setTimeout(resolve, KILL_INTERVAL_MS));
      if (stopped()) return done;
      const seen = await app.processed(TYPE).catch(() => NaN);
      await app.killAndRestart();
      done.push(`${app.name}@${seen}`);
    }
  }
  return done;
}

describe('consumer apps killed with SIGKILL again and again while events flow', () => {
  const rig = new ChaosRig({ name: 'herald_kills', kafkaNodes: 1 });
  let stopped = false;

  beforeAll(() => rig.start());
  afterAll(async () => {
    stopped = true;
    await rig.stop();
  });

  it(`loses nothing and counts nothing twice: ${EVENTS} events, each consumer app killed ${KILLS} times`, async () => {
    const { admin, database, receiver } = rig;
    const platform = await rig.startPlatform();
    const consumers = platform.consumers;
    const startedAt = Date.now();
    const killing = killInTurn(consumers, KILLS, () => stopped);
    // Awaited below; until then a failed restart must not be an unhandled rejection.
    killing.catch(() => undefined);
    const ids = Array.from({ length: EVENTS }, () => randomUUID());
    const retried = await publishAll(platform.gateways, ids, platform.key);
    const publishedAt = Date.now();
    expect(await recordsIn(admin, TYPE)).toBe(EVENTS);

    // Every kill happened (the last ones while the consumers still work through the backlog).
    const kills = await killing;
    expect(kills).toHaveLength(consumers.length * KILLS);
    const outcome = await settledOutcome(database.url, TYPE, ids, receiver, { timeoutMs: 900_000 });
    expect(outcome).toEqual(exactOutcome(EVENTS));
    // The run's figures, for docs/reliability.md.
    console.log(
      `consumer-kills: ${EVENTS} events published in ${((publishedAt - startedAt) / 1000).toFixed(1)} s ` +
        `(${retried} batch retries); kills (app@processed): ${kills.join(' ')}; every count exact ` +
        `${((Date.now() - publishedAt) / 1000).toFixed(1)} s after the last publish; ` +
        `${receiver.requests} webhook requests for ${receiver.ids.size} events`,
    );
  });
});
