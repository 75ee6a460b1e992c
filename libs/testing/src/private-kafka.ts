/**
 * A Kafka of a test's own, for tests that stop brokers or need three: local-kafka nodes in a
 * temp folder, on ports picked for them. A picked port can be taken by another process before
 * the JVM binds it, seconds later on a busy machine (an outgoing connection of a parallel test
 * gets it as its local port); the node then logs "Socket server failed to bind ... Address
 * already in use" and exits, which LocalKafkaCluster reports as LocalKafkaPortInUseError. The
 * cluster is then formatted and started afresh on other ports, a bounded number of times.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKafkaCluster, LocalKafkaPortInUseError } from '@app/local-kafka';

export interface PrivateKafkaOptions {
  readonly nodes: 1 | 3;
  /** A SASL_SSL listener (LocalKafkaOptions.secure); connect with cluster.clientConnection() / clientEnv(). */
  readonly secure?: boolean;
  readonly heapMb?: number;
  /** Starts tried, each on newly picked ports, before a taken port fails the test; default 3. */
  readonly attempts?: number;
  /** Progress lines (format, node starts, retries); silent by default. */
  readonly log?: (line: string) => void;
}

export interface PrivateKafka {
  readonly cluster: LocalKafkaCluster;
  /** How many starts it took: 1 unless a port was taken. */
  readonly attempts: number;
  /** Stops every node and deletes the cluster's folder. */
  remove(): Promise<void>;
}

/**
 * Linux gives outgoing connections their local port from ip_local_port_range, so a port the
 * OS picks for a listener (`freePort()`) is one any new connection may take next. Kafka nodes
 * get ports below that range; what is listening there already is skipped.
 */
function ephemeralPortsStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : 32768;
  } catch {
    return 32768;
  }
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Client ports for `count` nodes; each node's controller listens on its client port + 1. */
export async function pickKafkaPorts(count: number): Promise<number[]> {
  const low = 10_000;
  const high = Math.max(low + 1_000, ephemeralPortsStart()) - 2;
  const ports: number[] = [];
  while (ports.length < count) {
    const port = low + Math.floor(Math.random() * (high - low));
    const overlaps = ports.some((p) => Math.abs(p - port) <= 1);
    if (!overlaps && (await isFree(port)) && (await isFree(port + 1))) ports.push(port);
  }
  return ports;
}

export async function startPrivateKafka(options: PrivateKafkaOptions): Promise<PrivateKafka> {
  const attempts = options.attempts ?? 3;
  const log = options.log ?? (() => undefined);
  for (let attempt = 1; ; attempt++) {
    const stateDir = mkdtempSync(join(tmpdir(), 'herald-test-kafka-'));
    const cluster = new LocalKafkaCluster({
      nodes: options.nodes,
      secure: options.secure === true,
      ports: await pickKafkaPorts(options.nodes),
      stateDir,
      heapMb: options.heapMb ?? 384,
      log,
    });
    // reset() stops the nodes and deletes the folder (stateDir).
    const remove = (): Promise<void> => cluster.reset();
    try {
      await cluster.start();
      return { cluster, attempts: attempt, remove };
    } catch (error) {
      // The nodes that did start are of no use without the others: no graceful stop.
      for (const node of cluster.layout.nodes) await cluster.killNode(node.nodeId);
      await remove();
      if (!(error instanceof LocalKafkaPortInUseError) || attempt >= attempts) throw error;
      log(
        `${error.message}\nStarting the cluster again on other ports (attempt ${attempt + 1}/${attempts}).`,
      );
    }
  }
}
