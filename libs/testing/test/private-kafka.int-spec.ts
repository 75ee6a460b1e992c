/**
 * A test's own Kafka survives the race that once failed a full run: its port, free when picked,
 * taken by another process before the JVM bound it. The node's log says so, and the cluster
 * starts again on other ports instead of failing the test.
 */
import { createServer, type Server } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startPrivateKafka, type PrivateKafka } from '@app/testing';

jest.setTimeout(120_000);

describe('startPrivateKafka', () => {
  const blockers: Server[] = [];
  let kafka: PrivateKafka | undefined;

  afterAll(async () => {
    await kafka?.remove();
    for (const server of blockers) server.close();
  });

  it('starts again on other ports when its port is taken before the node binds it', async () => {
    const lines: string[] = [];
    let taken: number | undefined;
    kafka = await startPrivateKafka({
      nodes: 1,
      heapMb: 256,
      log: (line) => {
        lines.push(line);
        const launched = /^Started Kafka node 1 \(pid \d+\) on 127\.0\.0\.1:(\d+);/.exec(line);
        if (launched === null || taken !== undefined) return;
        // The first launch only: the JVM needs seconds to reach its bind, this takes milliseconds.
        taken = Number(launched[1]);
        const blocker = createServer().listen(taken, '127.0.0.1');
        blocker.on('error', (error) => lines.push(`blocker: ${error.message}`));
        blockers.push(blocker);
      },
    });

    expect(kafka.attempts).toBe(2);
    // Read from the node's log (the JVM's bind), not from the check before the start.
    expect(lines).toContainEqual(
      expect.stringContaining(`Kafka node 1 could not listen on 127.0.0.1:${taken}: another process took`),
    );
    const brokers = [...kafka.cluster.brokers];
    expect(brokers).not.toContain(`127.0.0.1:${taken}`);
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).brokers).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });
});
