/**
 * The leader of a partition killed under load: a private cluster of three brokers (RF 3,
 * min.insync.replicas 2) and one instance of every app. While CHAOS_LEADER_EVENTS (20,000)
 * payment events go through the gateway, the broker leading partition 0 of the payment topic is
 * killed with SIGKILL (the two others still make an in-sync majority, so acks=all writes go on)
 * and later started again. Every event the gateway acknowledged must be everywhere: in Kafka,
 * one audit row each, counted once by analytics, delivered once per (event, endpoint) and seen
 * by the receiver.
 */
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { waitFor } from '@app/testing';
import { exactOutcome, recordsIn, settledOutcome } from './support/outcome';
import { PAYMENT_TYPE as TYPE, chaosSetting, publishAll } from './support/publisher';
import { ChaosRig } from './support/rig';

const EVENTS = chaosSetting('CHAOS_LEADER_EVENTS', 20_000);

jest.setTimeout(1_200_000);

async function partitionZero(admin: Admin): Promise<{ leader: number; replicas: number[]; isr: number[] }> {
  const [topic] = (await admin.fetchTopicMetadata({ topics: [TYPE] })).topics;
  const partition = topic?.partitions.find((p) => p.partitionId === 0);
  if (partition === undefined) throw new Error(`no partition 0 of ${TYPE}`);
  return { leader: partition.leader, replicas: partition.replicas, isr: partition.isr };
}

describe('the leader of a partition killed under load on a 3-broker cluster', () => {
  const rig = new ChaosRig({ name: 'herald_leader', kafkaNodes: 3 });

  beforeAll(() => rig.start());
  afterAll(() => rig.stop());

  it(`loses no acknowledged event of ${EVENTS}, through every app`, async () => {
    const { admin, database, receiver, kafka } = rig;
    const platform = await rig.startPlatform();
    const before = await partitionZero(admin);
    expect(before.replicas).toHaveLength(3);

    const ids = Array.from({ length: EVENTS }, () => randomUUID());
    let restarted: Promise<void> | undefined;
    let killedAt = 0;
    let during: Awaited<ReturnType<typeof partitionZero>> | undefined;
    const startedAt = Date.now();
    const retried = await publishAll(platform.gateways, ids, platform.key, {
      // A leader change takes seconds on a busy machine: batches retry for up to a minute.
      maxTries: 240,
      beforeBatch: async (b, batches) => {
        if (b === Math.floor(batches * 0.3)) {
          await kafka.cluster.killNode(before.leader);
          killedAt = Date.now();
        }
        // Partition 0 has a new leader from its in-sync replicas while its old one is down.
        if (b === Math.floor(batches * 0.5)) during = await partitionZero(admin);
        // Back while events still flow; the publisher does not wait for it.
        if (b === Math.floor(batches * 0.7)) restarted = kafka.cluster.restartNode(before.leader);
      },
    });
    const publishedAt = Date.now();
    await restarted;

    // Every acknowledged event (every one: the publisher retried each batch until accepted).
    expect(await recordsIn(admin, TYPE)).toBe(EVENTS);
    const outcome = await settledOutcome(database.url, TYPE, ids, receiver, { timeoutMs: 600_000 });
    expect(outcome).toEqual(exactOutcome(EVENTS));
    expect(during?.leader).not.toBe(before.leader);
    // The restarted broker catches up and is in sync again.
    await waitFor(async () => (await partitionZero(admin)).isr.length === 3, {
      timeoutMs: 120_000,
      intervalMs: 1_000,
      description: `broker ${before.leader} back in partition 0's in-sync replicas`,
    });
    // The run's figures, for docs/reliability.md.
    console.log(
      `leader-kill: ${EVENTS} events in ${((publishedAt - startedAt) / 1000).toFixed(1)} s, broker ` +
        `${before.leader} (leader of partition 0) killed ${((killedAt - startedAt) / 1000).toFixed(1)} s in, ` +
        `new leader ${during?.leader}; ${retried} batch retries; every count exact ` +
        `${((Date.now() - publishedAt) / 1000).toFixed(1)} s after the last publish`,
    );
  });
});
