/**
 * PostgreSQL down and back under load: every app on a private PostgreSQL 15 (the machine's shared
 * one is never restarted) and a private Kafka. While CHAOS_PG_EVENTS (20,000) payment events go
 * through the gateway, PostgreSQL stops (`pg_ctl stop -m fast`: connections terminated); every
 * app that uses it must report not ready (/health/ready) while it is down; after CHAOS_PG_DOWN_MS
 * more it starts again, and every app must be ready again on its own (no restart) and lose
 * nothing: Kafka holds each event once, audit has one row per event, analytics counts each once,
 * webhooks deliver once per (event, endpoint).
 */
import { randomUUID } from 'node:crypto';
import { startPrivatePostgres, waitFor, type PrivatePostgres } from '@app/testing';
import type { AppProcess } from './support/apps';
import { exactOutcome, recordsIn, settledOutcome } from './support/outcome';
import { PAYMENT_TYPE as TYPE, chaosSetting, publishAll } from './support/publisher';
import { ChaosRig } from './support/rig';

const EVENTS = chaosSetting('CHAOS_PG_EVENTS', 20_000);
const DOWN_MS = chaosSetting('CHAOS_PG_DOWN_MS', 5_000);

jest.setTimeout(1_200_000);

/** Waits until each app's readiness is `ready` (or not); returns how long that took, in ms. */
async function readiness(apps: readonly AppProcess[], ready: boolean, timeoutMs: number): Promise<number> {
  const from = Date.now();
  await Promise.all(
    apps.map((app) =>
      waitFor(async () => ((await app.readiness()) === 200) === ready, {
        timeoutMs,
        intervalMs: 250,
        description: `${app.name} on ${app.url} to report ${ready ? 'ready' : 'not ready'}`,
      }).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await app.diagnosis()}`);
      }),
    ),
  );
  return Date.now() - from;
}

describe('PostgreSQL stopped and started again under load', () => {
  let postgres: PrivatePostgres | undefined;
  let rig: ChaosRig | undefined;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    rig = await new ChaosRig({ name: 'herald_pg', kafkaNodes: 1, postgresUrl: postgres.url }).start();
  });

  afterAll(async () => {
    await rig?.stop().catch(() => undefined);
    postgres?.remove();
  });

  it(`every app goes not ready and back, and loses nothing of ${EVENTS} events`, async () => {
    const { admin, database, receiver } = rig as ChaosRig;
    const pg = postgres as PrivatePostgres;
    const platform = await (rig as ChaosRig).startPlatform();
    // The apps that use PostgreSQL (the registry keeps its state in Kafka).
    const apps = [...platform.gateways, ...platform.consumers];
    const ids = Array.from({ length: EVENTS }, () => randomUUID());
    let outage: Promise<{ notReady: number | Error; ready: number | Error }> | undefined;
    const startedAt = Date.now();
    const retried = await publishAll(platform.gateways, ids, platform.key, {
      // The gateway answers 503 while it cannot reach PostgreSQL: batches retry for up to 5 min.
      maxTries: 1_200,
      beforeBatch: (b, batches) => {
        if (b !== Math.floor(batches * 0.3)) return;
        // In flight: the publisher goes on (and retries) while PostgreSQL is down.
        outage = (async () => {
          pg.stop('fast');
          // Started again whatever the apps report: a failed wait fails the test below, not the run.
          const notReady = await readiness(apps, false, 60_000).catch((error: Error) => error);
          await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
          pg.start();
          return { notReady, ready: await readiness(apps, true, 180_000).catch((error: Error) => error) };
        })();
        outage.catch(() => undefined);
      },
    });
    const publishedAt = Date.now();
    const { notReady, ready } = (await outage) ?? { notReady: NaN, ready: NaN };
    // Readiness told the truth: every app not ready while PostgreSQL was down, ready after.
    const told = (result: number | Error) => (result instanceof Error ? result.message : 'every app');
    expect({ notReady: told(notReady), ready: told(ready) }).toEqual({
      notReady: 'every app',
      ready: 'every app',
    });

    expect(await recordsIn(admin, TYPE)).toBe(EVENTS);
    const outcome = await settledOutcome(database.url, TYPE, ids, receiver, { timeoutMs: 600_000 });
    expect(outcome).toEqual(exactOutcome(EVENTS));
    // Still ready: nothing stayed broken after the counts were reached.
    expect(await Promise.all(apps.map((app) => app.readiness()))).toEqual(apps.map(() => 200));
    // The run's figures, for docs/reliability.md.
    console.log(
      `postgres-restart: ${EVENTS} events in ${((publishedAt - startedAt) / 1000).toFixed(1)} s ` +
        `(${retried} batch retries); every app not ready ${(Number(notReady) / 1000).toFixed(1)} s after the stop, ` +
        `ready ${(Number(ready) / 1000).toFixed(1)} s after the start; every count exact ` +
        `${((Date.now() - publishedAt) / 1000).toFixed(1)} s after the last publish`,
    );
  });
});
