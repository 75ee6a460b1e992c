import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterLayout } from './layout';
import { logLength, logSince, portTakenAtBind } from './node-process';

// What Kafka 4.1 writes when a listener's port is taken (the client one here; the controller's reads alike).
const BIND_FAILURE = `[2026-12-06 13:47:13,512] ERROR [BrokerServer id=1] Fatal error during broker startup. Prepare to shutdown (kafka.server.BrokerServer)
org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:35023: Address already in use.
\tat org.apache.kafka.server.ServerSocketFactory$KafkaServerSocketFactory.openServerSocket(ServerSocketFactory.java:56)
Caused by: java.net.BindException: Address already in use
`;

describe('a node that could not bind its port', () => {
  it('is recognised from its log, with the port', () => {
    expect(portTakenAtBind(BIND_FAILURE)).toBe(35023);
    expect(portTakenAtBind(`Caused by: ${BIND_FAILURE.split('\n')[1]}`)).toBe(35023);
  });

  it('is not confused with other start failures', () => {
    expect(
      portTakenAtBind('Socket server failed to bind to 10.9.9.9:9092: Cannot assign requested address.'),
    ).toBe(undefined);
    expect(
      portTakenAtBind(
        '[..] INFO Awaiting socket connections on 127.0.0.1:9092. (kafka.network.DataPlaneAcceptor)',
      ),
    ).toBe(undefined);
  });

  it('is judged on the latest launch only: the log file is appended to across starts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-node-log-'));
    try {
      const [node] = clusterLayout({ nodes: 1, stateDir: dir }).nodes;
      if (node === undefined) throw new Error('no node');
      expect(logLength(node)).toBe(0);
      mkdirSync(node.dir);
      writeFileSync(node.logFile, BIND_FAILURE);
      const launchedAt = logLength(node);
      appendFileSync(node.logFile, '[..] INFO Kafka Server started (kafka.server.KafkaRaftServer)\n');
      expect(portTakenAtBind(logSince(node, launchedAt))).toBeUndefined();
      expect(logSince(node, launchedAt)).toContain('Kafka Server started');
      expect(portTakenAtBind(logSince(node, 0))).toBe(35023);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
