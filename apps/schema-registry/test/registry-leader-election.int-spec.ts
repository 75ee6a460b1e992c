/**
 * The registry leader election on the real broker: of several instances exactly one leads and
 * the others know its URL; when the leader stops, or is cut off from Kafka without leaving the
 * group, another instance takes over within a bounded time; and two instances never lead at
 * the same moment, as a poller watching all of them sees.
 */
import { connect, Socket } from 'node:net';
import { logLevel, type ISocketFactory, type Kafka } from 'kafkajs';
import { createKafka } from '@app/kafka';
import { testBrokers, testKafka, uniqueName, waitFor } from '@app/testing';
import { UnknownLeaderError } from '../src/registry';
import { ElectedRegistryLeadership } from '../src/storage/elected-registry-leadership';
import { RegistryLeaderElection, type LeadershipState } from '../src/storage/registry-leader-election';

jest.setTimeout(120_000);

// The broker's default group.min.session.timeout.ms: the fastest failover it allows.
const SESSION_TIMEOUT_MS = 6_000;

/**
 * Sockets for one instance's Kafka client that the test can cut like a network partition:
 * requests vanish and answers never arrive, so the instance cannot even leave its group.
 */
class NetworkSwitch {
  private readonly sockets = new Set<Socket>();
  private cut = false;

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    // A socket that never connects: kafkajs gives up on it after its connection timeout.
    if (this.cut) return new Socket();
    const socket = connect({ host, port }, onConnect);
    // kafkajs writes each request as one Buffer; dropping whole writes keeps framing intact.
    const write = (chunk: Buffer): boolean => Socket.prototype.write.call(socket, chunk);
    Object.defineProperty(socket, 'write', {
      value: (chunk: Buffer) => (this.cut ? true : write(chunk)),
      writable: true,
    });
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  };

  partition(): void {
    this.cut = true;
    for (const socket of this.sockets) socket.pause();
  }

  /** Ends the partition; connections that lived through it are reset, as after a real one. */
  heal(): void {
    this.cut = false;
    for (const socket of this.sockets) socket.destroy(new Error('connection reset after the partition'));
  }
}

/** Polls the instances (the array as it grows) and records any moment with more than one leader. */
function watchLeaders(instances: readonly RegistryLeaderElection[]) {
  const overlaps: string[] = [];
  const timer = setInterval(() => {
    const leaders = instances.filter((i) => i.isLeader());
    if (leaders.length > 1) overlaps.push(`${new Date().toISOString()}: ${leaders.length} leaders`);
  }, 10).unref();
  return { overlaps, stop: () => clearInterval(timer) };
}

describe('RegistryLeaderElection (real broker)', () => {
  let kafka: Kafka;
  const started: RegistryLeaderElection[] = [];
  const switches: NetworkSwitch[] = [];
  const topics: string[] = [];
  let topic: string;
  let groupId: string;

  beforeAll(() => {
    kafka = testKafka('leader-election-test');
  });

  beforeEach(() => {
    topic = uniqueName('schemas-leader');
    topics.push(topic);
    groupId = uniqueName('leader-election');
  });

  afterEach(async () => {
    for (const s of switches.splice(0)) s.heal();
    await Promise.all(started.splice(0).map((e) => e.stop()));
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  async function startInstance(url: string, client = kafka): Promise<RegistryLeaderElection> {
    const election = new RegistryLeaderElection(client, {
      advertisedUrl: url,
      topic,
      groupId,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    });
    started.push(election);
    await election.start();
    return election;
  }

  function partitionableKafka(): { client: Kafka; network: NetworkSwitch } {
    const network = new NetworkSwitch();
    switches.push(network);
    const client = createKafka(
      { brokers: testBrokers(), clientId: 'leader-election-partitioned' },
      { logLevel: logLevel.NOTHING, socketFactory: network.socketFactory, connectionTimeout: 1_000 },
    );
    return { client, network };
  }

  it('elects exactly one leader, keeps it when another instance joins, and followers know its URL', async () => {
    const watcher = watchLeaders(started);
    // The first instance sorts last by URL: it stays leader only because it is the incumbent.
    const first = await startInstance('http://registry-z:8081');
    expect(first.isLeader()).toBe(true);
    expect(first.leaderUrl()).toBeUndefined();

    const changes: LeadershipState[] = [];
    first.onChange((state) => changes.push(state));
    const second = await startInstance('http://registry-a:8081');
    await waitFor(() => first.isLeader() && second.leaderUrl() !== undefined, {
      description: 'the group to settle with two members',
    });
    expect(second.isLeader()).toBe(false);
    expect(second.leaderUrl()).toBe('http://registry-z:8081');
    expect(first.leaderUrl()).toBeUndefined();
    // What the registry domain sees through its leadership port.
    expect(new ElectedRegistryLeadership(first).leaderUrl()).toBeUndefined();
    expect(new ElectedRegistryLeadership(second).leaderUrl()).toBe('http://registry-z:8081');
    watcher.stop();
    expect(watcher.overlaps).toEqual([]);
    // The rebalance paused the incumbent's leadership and gave it back; it never passed it on.
    expect(changes.at(-1)).toEqual({ isLeader: true, leaderUrl: undefined });
  });

  it('hands leadership over when the leader stops, and a newcomer follows the new leader', async () => {
    const watcher = watchLeaders(started);
    const a = await startInstance('http://registry-a:8081');
    const b = await startInstance('http://registry-b:8081');
    await waitFor(() => b.leaderUrl() === 'http://registry-a:8081', { description: 'b to follow a' });
    const promoted = new Promise<LeadershipState>((resolve) =>
      b.onChange((state) => state.isLeader && resolve(state)),
    );

    const stoppedAt = Date.now();
    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(() => new ElectedRegistryLeadership(a).leaderUrl()).toThrow(UnknownLeaderError);
    await waitFor(() => b.isLeader(), { description: 'b to take over', timeoutMs: 15_000 });
    const failoverMs = Date.now() - stoppedAt;
    await expect(promoted).resolves.toEqual({ isLeader: true, leaderUrl: undefined });
    expect(failoverMs).toBeLessThan(SESSION_TIMEOUT_MS);

    const c = await startInstance('http://registry-0:8081');
    await waitFor(() => c.leaderUrl() === 'http://registry-b:8081', { description: 'c to follow b' });
    expect(b.isLeader()).toBe(true);
    expect(c.isLeader()).toBe(false);
    watcher.stop();
    expect(watcher.overlaps).toEqual([]);
    process.stdout.write(`graceful failover took ${failoverMs} ms\n`);
  });

  it('a leader cut off from Kafka steps down before another instance takes over', async () => {
    const watcher = watchLeaders(started);
    const { client, network } = partitionableKafka();
    const a = await startInstance('http://registry-a:8081', client);
    const b = await startInstance('http://registry-b:8081');
    await waitFor(() => b.leaderUrl() === 'http://registry-a:8081', { description: 'b to follow a' });
    expect(a.isLeader()).toBe(true);

    const cutAt = Date.now();
    network.partition();
    await waitFor(() => !a.isLeader(), { description: 'a to step down', timeoutMs: SESSION_TIMEOUT_MS });
    const stepDownMs = Date.now() - cutAt;
    await waitFor(() => b.isLeader(), { description: 'b to take over', timeoutMs: 30_000 });
    const takeOverMs = Date.now() - cutAt;
    expect(a.isLeader()).toBe(false);

    network.heal();
    await waitFor(() => a.leaderUrl() === 'http://registry-b:8081', {
      description: 'a to rejoin as a follower of b',
      timeoutMs: 45_000,
    });
    expect(b.isLeader()).toBe(true);
    watcher.stop();
    expect(watcher.overlaps).toEqual([]);
    expect(stepDownMs).toBeLessThan(takeOverMs);
    process.stdout.write(
      `partitioned leader stepped down after ${stepDownMs} ms; b led after ${takeOverMs} ms\n`,
    );
  });
});
