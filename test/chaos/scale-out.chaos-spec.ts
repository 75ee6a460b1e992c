/**
 * Scale-out on a cluster of three brokers (RF 3, min.insync.replicas 2; a private one, so a running
 * platform is not disturbed): two instances of every app (registry, gateway, webhooks, analytics,
 * audit) on one database and one consumer group per app, started as users start them. Events go
 * to both gateways with client ids, the way the SDK sends them; mid-stream one instance of each app
 * stops (the gateway and the registry gracefully, the consumer apps with SIGKILL) and the
 * publisher retries what failed on the surviving gateway. Then every promise is counted:
 * Kafka holds each event once (gateway idempotency across instances), audit has one row per
 * event, analytics counts each event once, webhooks record one delivery per (event, endpoint)
 * and the receiver saw every event, and the surviving registry takes writes.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@app/testing';
import type { AppProcess } from './support/apps';
import { exactOutcome, recordsIn, settledOutcome } from './support/outcome';
import { REGISTRY_TOKEN } from './support/platform';
import { PAYMENT_TYPE as TYPE, publishAll } from './support/publisher';
import { ChaosRig } from './support/rig';

jest.setTimeout(900_000);

const EVENTS = 3_000;
const BATCH = 50;

describe('two instances of every app on a 3-broker cluster', () => {
  const rig = new ChaosRig({ name: 'herald_scale', kafkaNodes: 3 });

  beforeAll(() => rig.start());
  afterAll(() => rig.stop());

  it('shares the work, and stopping one instance of each mid-stream loses nothing and doubles nothing', async () => {
    const { admin, database, receiver } = rig;
    const platform = await rig.startPlatform({ instances: 2 });
    const [topic] = (await admin.fetchTopicMetadata({ topics: [TYPE] })).topics;
    expect(new Set(topic?.partitions.map((p) => p.replicas.length))).toEqual(new Set([3]));
    const [registryA, registryB] = platform.registries as [AppProcess, AppProcess];
    const [, gatewayB] = platform.gateways as [AppProcess, AppProcess];
    const secondConsumers = [platform.webhooks[1], platform.analytics[1], platform.audit[1]] as AppProcess[];

    // Publish: batches alternate between the gateways; after 40% one instance of each app stops.
    const ids = Array.from({ length: EVENTS }, () => randomUUID());
    const retried = await publishAll(platform.gateways, ids, platform.key, {
      batch: BATCH,
      beforeBatch: async (b, batches) => {
        if (b !== Math.floor(batches * 0.4)) return;
        // Work is shared: each consumer app's two instances both hold partitions of the topic.
        for (const app of platform.consumers) {
          await waitFor(async () => (await app.processed(TYPE)) > 0, {
            timeoutMs: 60_000,
            intervalMs: 250,
            description: `${app.name} on ${app.url} to process events of ${TYPE}`,
          });
        }
        // In flight: the next batches go on while these stop.
        void Promise.all([
          gatewayB.stop('SIGTERM'),
          registryB.stop('SIGTERM'),
          ...secondConsumers.map((app) => app.stop('SIGKILL')),
        ]);
      },
    });
    expect(gatewayB.child.exitCode ?? gatewayB.child.signalCode).not.toBeNull();

    const publishedAt = Date.now();
    // Kafka holds each event once: retries on the other instance were duplicates, not new events.
    expect({ records: await recordsIn(admin, TYPE), retried: retried >= 0 }).toEqual({
      records: EVENTS,
      retried: true,
    });
    // Audit: one row per event; analytics counts each event once (a killed instance's uncommitted
    // batch is recounted by the other); webhooks record one delivery per (event, endpoint) and the
    // receiver saw every event.
    expect(await settledOutcome(database.url, TYPE, ids, receiver)).toEqual(exactOutcome(EVENTS));
    // The run's figures, for docs/reliability.md.
    console.log(
      `scale-out: ${EVENTS} events, ${retried} batch retries on the surviving gateway, every count exact ` +
        `${((Date.now() - publishedAt) / 1000).toFixed(1)} s after the last publish`,
    );

    // The surviving registry leads now (or already did) and takes a write.
    // (An election after B's exit takes up to a session timeout: 503 until then.)
    const written = await waitFor(
      async () => {
        const response = await fetch(`${registryA.url}/config/${TYPE}-value`, {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${REGISTRY_TOKEN}`,
            'content-type': 'application/vnd.schemaregistry.v1+json',
          },
          body: JSON.stringify({ compatibility: 'FULL' }),
        });
        return response.status === 503 ? undefined : response.status;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the surviving registry to take a write' },
    );
    expect(written).toBe(200);
    const level = await fetch(`${registryA.url}/config/${TYPE}-value`).then((r) => r.json());
    expect(level).toEqual({ compatibilityLevel: 'FULL' });
  });
});
