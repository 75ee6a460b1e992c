/**
 * Runs a real Apache Kafka (KRaft, combined broker+controller) from Maven-resolved jars:
 * format on first start, start idempotently, wait until metadata answers, stop cleanly.
 * Refuses, with a message saying what to do, when Java/Maven are missing, a port is held by
 * a process we did not start, or a data dir was left half-written. A port taken between the
 * check and the JVM's bind is read from the node's log (LocalKafkaPortInUseError), so a test
 * cluster on picked ports can start again on others (startPrivateKafka in @app/testing).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import type { KafkaConnection } from '@app/config';
import { LocalKafkaError, LocalKafkaPortInUseError } from './errors';
import { projectRoot } from '@app/config';
import { requireTool, resolveKafkaJars } from './jars';
import {
  clusterLayout,
  heraldHome,
  serverProperties,
  type ClusterLayout,
  type LayoutOptions,
  type NodeLayout,
} from './layout';
import {
  isPortOpen,
  killBroker,
  launchBroker,
  logLength,
  logSince,
  logTail,
  portTakenAtBind,
  runningPid,
  stopBroker,
} from './node-process';
import {
  ensureSecureMaterial,
  scramFormatArguments,
  secureClientConnection,
  secureClientEnv,
} from './secure';

const FORMATTED_MARKER = '.herald-formatted';
/** A group nobody joins: looking it up makes the cluster create and load `__consumer_offsets`. */
const GROUP_PROBE = 'herald-start-probe';

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 (22 chars), like Uuid.randomUuid(). */
function newClusterId(): string {
  const id = randomBytes(16).toString('base64url');
  // A leading '-' would read as an option to the storage tool's argument parser.
  return id.startsWith('-') ? `A${id.slice(1)}` : id;
}

function redact(text: string, passwords: { readonly user: string; readonly broker: string }): string {
  return text.split(passwords.user).join('***').split(passwords.broker).join('***');
}

export interface NodeStatus {
  readonly nodeId: number;
  readonly address: string;
  readonly pid: number | undefined;
  readonly answering: boolean;
  readonly logFile: string;
}

export interface LocalKafkaOptions extends LayoutOptions {
  readonly heapMb?: number;
  readonly startTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export class LocalKafkaCluster {
  readonly layout: ClusterLayout;
  private readonly home: string;
  private readonly log: (line: string) => void;
  /** Where each node's log stood at its latest launch: the start of that launch's output. */
  private readonly launchLogOffsets = new Map<number, number>();

  constructor(private readonly options: LocalKafkaOptions) {
    this.home = options.home ?? heraldHome();
    this.layout = clusterLayout({ ...options, home: this.home });
    this.log = options.log ?? (() => undefined);
  }

  get brokers(): readonly string[] {
    return this.layout.bootstrap;
  }

  /** How a client connects: brokers, and for a secure cluster its CA and the `herald` user (read from its files). */
  clientConnection(): KafkaConnection {
    return secureClientConnection(this.layout);
  }

  /** The environment an app or the CLI connects with (KAFKA_BROKERS, and KAFKA_SSL* / KAFKA_SASL_* when secure). */
  clientEnv(): Record<string, string> {
    return secureClientEnv(this.layout);
  }

  /** Starts every node not yet running; returns how many it started (0: already up). */
  async start(): Promise<number> {
    requireTool('java', 'the local Kafka broker runs on the JVM');
    const toStart = this.layout.nodes.filter((n) => runningPid(n) === undefined);
    if (toStart.length === 0) {
      await this.waitUntilReady([]);
      return 0;
    }
    for (const node of toStart) await this.assertPortsFree(node);
    const classpathDir = resolveKafkaJars(this.home, this.log);
    this.formatIfNeeded(toStart, classpathDir);
    for (const node of toStart) this.startNode(node, classpathDir);
    await this.waitUntilReady(toStart);
    return toStart.length;
  }

  /** Starts one node of an already formatted cluster again (after a kill, in fault tests). */
  async restartNode(nodeId: number): Promise<void> {
    const node = this.node(nodeId);
    if (runningPid(node) !== undefined) return;
    await this.assertPortsFree(node);
    this.startNode(node, resolveKafkaJars(this.home, this.log));
    await this.waitUntilReady([node]);
  }

  async killNode(nodeId: number): Promise<void> {
    await killBroker(this.node(nodeId));
  }

  /** Stops every running node cleanly; returns how many it stopped. */
  async stop(): Promise<number> {
    const stopped = await Promise.all(this.layout.nodes.map((n) => stopBroker(n)));
    return stopped.filter(Boolean).length;
  }

  /** Stops the cluster and deletes its data: the next start formats a fresh cluster. */
  async reset(): Promise<void> {
    await this.stop();
    rmSync(this.layout.stateDir, { recursive: true, force: true });
  }

  async status(): Promise<NodeStatus[]> {
    return Promise.all(
      this.layout.nodes.map(async (n) => ({
        nodeId: n.nodeId,
        address: `127.0.0.1:${n.port}`,
        pid: runningPid(n),
        answering: await isPortOpen(n.port),
        logFile: n.logFile,
      })),
    );
  }

  private node(nodeId: number): NodeLayout {
    const node = this.layout.nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new LocalKafkaError(`no node ${nodeId} in the ${this.layout.name} cluster`);
    return node;
  }

  private async assertPortsFree(node: NodeLayout): Promise<void> {
    for (const port of [node.port, node.controllerPort]) {
      if (await isPortOpen(port)) {
        throw new LocalKafkaPortInUseError(
          port,
          `127.0.0.1:${port} is already in use by a process Herald did not start. ` +
            'Stop it, or set KAFKA_BROKERS to use the Kafka you already run.',
        );
      }
    }
  }

  private formatIfNeeded(nodes: readonly NodeLayout[], classpathDir: string): void {
    const fresh = nodes.filter((n) => !existsSync(join(n.dir, FORMATTED_MARKER)));
    for (const node of fresh) {
      if (existsSync(node.dataDir)) {
        throw new LocalKafkaError(
          `${node.dataDir} exists but was never completely formatted (an interrupted first start?). ` +
            `Run \`herald kafka reset${this.layout.nodes.length > 1 ? ' --nodes 3' : ''}\` to delete it and start fresh.`,
        );
      }
    }
    if (fresh.length === 0) return;
    if (fresh.length !== this.layout.nodes.length) {
      throw new LocalKafkaError(
        `the ${this.layout.name} cluster is only partly formatted; run \`herald kafka reset --nodes 3\`.`,
      );
    }
    const clusterId = newClusterId();
    this.log(`Formatting a new KRaft cluster ${clusterId} in ${this.layout.stateDir}`);
    // A secure cluster: certificates and passwords first; its SCRAM users are created by the format.
    const secure = this.layout.secure;
    const passwords = secure === undefined ? undefined : ensureSecureMaterial(secure);
    const scram =
      secure === undefined || passwords === undefined ? [] : scramFormatArguments(secure, passwords);
    for (const node of fresh) {
      mkdirSync(node.dir, { recursive: true });
      writeFileSync(node.propertiesFile, serverProperties(this.layout, node, passwords), { mode: 0o600 });
      const result = spawnSync(
        'java',
        [
          '-cp',
          join(classpathDir, '*'),
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          node.propertiesFile,
          ...scram,
        ],
        { encoding: 'utf8' },
      );
      if (result.status !== 0) {
        // The output may echo the --add-scram arguments: never print a password.
        const output =
          passwords === undefined
            ? `${result.stdout}${result.stderr}`
            : redact(`${result.stdout}${result.stderr}`, passwords);
        throw new LocalKafkaError(`formatting ${node.dataDir} failed:\n${output}`);
      }
      writeFileSync(join(node.dir, FORMATTED_MARKER), `${clusterId}\n`);
    }
  }

  private startNode(node: NodeLayout, classpathDir: string): void {
    this.launchLogOffsets.set(node.nodeId, logLength(node));
    const pid = launchBroker(node, {
      classpathDir,
      log4jConfig: join(projectRoot(), 'infra', 'kafka', 'log4j2.properties'),
      heapMb: this.options.heapMb ?? 512,
    });
    this.log(
      `Started Kafka node ${node.nodeId} (pid ${pid}) on 127.0.0.1:${node.port}; log: ${node.logFile}`,
    );
  }

  /**
   * A node just launched whose log says a listener could not bind: another process took the
   * port after assertPortsFree. The node is shutting down on its own; it is killed to be sure.
   */
  private async failIfPortTaken(launched: readonly NodeLayout[]): Promise<void> {
    for (const node of launched) {
      const port = portTakenAtBind(logSince(node, this.launchLogOffsets.get(node.nodeId) ?? 0));
      if (port === undefined) continue;
      await killBroker(node);
      throw new LocalKafkaPortInUseError(
        port,
        `Kafka node ${node.nodeId} could not listen on 127.0.0.1:${port}: another process took the ` +
          `port after it was found free (see ${node.logFile}). Start again once it is free.`,
      );
    }
  }

  /**
   * Polls until every node is registered and a consumer group can find its coordinator; fails
   * early if a node's JVM died, with LocalKafkaPortInUseError when one of `launched` found its
   * port taken. A fresh cluster creates `__consumer_offsets` on the first group lookup, and the
   * first consumer to join during that creation could back off for most of a minute (seen in
   * CI: a registry's leader election, the first group on the broker, was not ready after 60 s),
   * so the probe makes that lookup itself before Kafka counts as started.
   */
  private async waitUntilReady(launched: readonly NodeLayout[]): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 120_000);
    const { ssl, sasl } = this.clientConnection();
    const kafka = new Kafka({
      clientId: 'herald-kafka-probe',
      brokers: [...this.layout.bootstrap],
      ...(ssl && { ssl: { ...ssl } }),
      ...(sasl && { sasl: { ...sasl } as SASLOptions }),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
      retry: { retries: 0 },
    });
    let lastError = 'no answer yet';
    while (Date.now() < deadline) {
      const dead = this.layout.nodes.find((n) => runningPid(n) === undefined);
      // Read after the liveness check: a node found dead has written all it will.
      await this.failIfPortTaken(launched);
      if (dead !== undefined) {
        throw new LocalKafkaError(
          `Kafka node ${dead.nodeId} exited during start; last lines of ${dead.logFile}:\n${logTail(dead)}`,
        );
      }
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === this.layout.nodes.length) {
          await admin.describeGroups([GROUP_PROBE]);
          return;
        }
        lastError = `${cluster.brokers.length}/${this.layout.nodes.length} brokers registered`;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new LocalKafkaError(
      `Kafka did not answer metadata in time (${lastError}); see ${this.layout.nodes[0]?.logFile}`,
    );
  }
}
