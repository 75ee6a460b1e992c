/**
 * Consumer apps killed again and again: one instance of every app on a private Kafka, and while
 * CHAOS_EVENTS (100,000) payment events go through the gateway, audit, analytics and webhooks are
 * killed with SIGKILL in turn (no shutdown, no offset commit, no leaving the group) and started
 * again, every CHAOS_KILL_INTERVAL_MS, until each was killed CHAOS_KILLS times. The publisher paces
 * itself on the kills, so they all fall while events flow. Then every promise is counted exactly:
 * Kafka holds each event once, audit has one row per event, analytics counts each event once,
 * webhooks record one delivered delivery per (event, endpoint) and the receiver got every event
 * at least once.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@app/testing';
import type { AppProcess } from './support/apps';
import { exactOutcome, recordsIn, settledOutcome } from './support/outcome';
import { PAYMENT_TYPE as TYPE, chaosSetting, publishAll } from './support/publisher';
import { ChaosRig } from './support/rig';

const EVENTS = chaosSetting('CHAOS_EVENTS', 100_000);
const KILLS = chaosSetting('CHAOS_KILLS', 3);
const KILL_INTERVAL_MS = chaosSetting('CHAOS_KILL_INTERVAL_MS', 15_000);
const BATCH = 500;

jest.setTimeout(1_800_000);

/**
 * Kills the apps in turn, one every KILL_INTERVAL_MS, until each was killed `kills` times; `done`
 * lists each kill with how many events were published by then, for the figures.
 */
async function killInTurn(
  apps: readonly AppProcess[],
  kills: number,
  published: () => number,
  done: string[],
): Promise<void> {
  for (let round = 0; round < kills; round++) {
    for (const app of apps) {
      await new Promise((resolve) => setTimeout(resolve, KILL_INTERVAL_MS));
      const at = published();
      await app.killAndRestart();
      done.push(`${app.name}@${at}`);
    }
  }
}

describe('consumer apps killed with SIGKILL again and again while events flow', () => {
  const rig = new ChaosRig({ name: 'herald_kills', kafkaNodes: 1 });

  beforeAll(() => rig.start());
  afterAll(() => rig.stop());

  it(`loses nothing and counts nothing twice: ${EVENTS} events, each consumer app killed ${KILLS} times`, async () => {
    const { admin, database, receiver } = rig;
    const platform = await rig.startPlatform();
    const consumers = platform.consumers;
    const total = consumers.length * KILLS;
    const kills: string[] = [];
    let published = 0;
    const killing = killInTurn(consumers, KILLS, () => published, kills);
    // Awaited below; until then a failed restart must not be an unhandled rejection.
    killing.catch(() => undefined);
    const ids = Array.from({ length: EVENTS }, () => randomUUID());
    const startedAt = Date.now();
    const retried = await publishAll(platform.gateways, ids, platform.key, {
      batch: BATCH,
      // The kills spread over the stream, however fast either goes: batch b waits for the
      // (b / batches)-th share of the kills, so each kill has events published before and after it.
      beforeBatch: async (b, batches) => {
        published = b * BATCH;
        const due = Math.floor((b / batches) * total);
        await waitFor(() => kills.length >= due, {
          timeoutMs: 600_000,
          intervalMs: 200,
          description: `kill ${due} of ${total}`,
        });
      },
    });
    const publishedAt = Date.now();
    expect(await recordsIn(admin, TYPE)).toBe(EVENTS);
    await killing;
    expect(kills).toHaveLength(total);
    const outcome = await settledOutcome(database.url, TYPE, ids, receiver, { timeoutMs: 900_000 });
    expect(outcome).toEqual(exactOutcome(EVENTS));
    // The run's figures, for docs/reliability.md.
    console.log(
      `consumer-kills: ${EVENTS} events published in ${((publishedAt - startedAt) / 1000).toFixed(1)} s ` +
        `(${retried} batch retries); kills (app@events published by then): ${kills.join(' ')}; every count exact ` +
        `${((Date.now() - publishedAt) / 1000).toFixed(1)} s after the last publish; ` +
        `${receiver.requests} webhook requests for ${receiver.ids.size} events`,
    );
  });
});
