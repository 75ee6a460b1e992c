/**
 * Where a locally run Kafka lives and how each node is configured. A single node is a
 * combined broker+controller on 127.0.0.1:9092; the fault-test cluster is three combined
 * nodes on 19092/29092/39092 with a static controller quorum, RF 3 and min.insync.replicas 2.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface NodeLayout {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
  readonly dataDir: string;
  readonly propertiesFile: string;
  readonly logFile: string;
  readonly pidFile: string;
}

export interface ClusterLayout {
  readonly name: string;
  readonly stateDir: string;
  readonly nodes: readonly NodeLayout[];
  readonly bootstrap: readonly string[];
  /** Set for a SASL_SSL cluster (`herald kafka start --secure`): where its certificates and passwords live. */
  readonly secure?: SecureLayout;
}

/**
 * The files of a SASL_SSL cluster, made at its first start: a CA, the brokers' key and
 * certificate (signed by it, for 127.0.0.1 and localhost), and the SCRAM users' passwords.
 */
export interface SecureLayout {
  readonly dir: string;
  /** The CA certificate clients trust (KAFKA_SSL_CA_FILE). */
  readonly caFile: string;
  readonly caKeyFile: string;
  /** The brokers' private key and certificate chain, one PEM file (Kafka's PEM keystore). */
  readonly brokerPemFile: string;
  /** The client user's name and password file (KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE). */
  readonly username: string;
  readonly passwordFile: string;
  /** The user the brokers authenticate to each other with. */
  readonly brokerUsername: string;
  readonly brokerPasswordFile: string;
}

export interface LayoutOptions {
  readonly nodes: 1 | 3;
  /** Root for jars and node state; defaults to HERALD_HOME or ~/.cache/herald (outside git). */
  readonly home?: string;
  /** Node state folder; defaults to <home>/kafka/<single|cluster3>. Tests point it at a temp dir. */
  readonly stateDir?: string;
  /** Client ports; defaults to [9092] or [19092, 29092, 39092]. Controller port = client port + 1. */
  readonly ports?: readonly number[];
  /**
   * A SASL_SSL listener (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN) instead of PLAINTEXT. Its own
   * folder (<home>/kafka/secure or secure3) and ports ([9192] or [19192, 29192, 39192]), so it
   * runs beside the plaintext cluster without touching it.
   */
  readonly secure?: boolean;
}

export function heraldHome(env: NodeJS.ProcessEnv = process.env): string {
  return env['HERALD_HOME'] ?? join(homedir(), '.cache', 'herald');
}

export function clusterLayout(options: LayoutOptions): ClusterLayout {
  const home = options.home ?? heraldHome();
  const secure = options.secure === true;
  const name = secure
    ? options.nodes === 1
      ? 'secure'
      : 'secure3'
    : options.nodes === 1
      ? 'single'
      : 'cluster3';
  const defaultPorts = options.nodes === 1 ? [9092] : [19092, 29092, 39092];
  const ports = options.ports ?? (secure ? defaultPorts.map((p) => p + 100) : defaultPorts);
  if (ports.length !== options.nodes) {
    throw new Error(`expected ${options.nodes} ports, got ${ports.length}`);
  }
  const stateDir = options.stateDir ?? join(home, 'kafka', name);
  const nodes = ports.map((port, index): NodeLayout => {
    const nodeId = index + 1;
    const dir = join(stateDir, `node-${nodeId}`);
    return {
      nodeId,
      port,
      controllerPort: port + 1,
      dir,
      dataDir: join(dir, 'data'),
      propertiesFile: join(dir, 'server.properties'),
      logFile: join(dir, 'kafka.log'),
      pidFile: join(dir, 'kafka.pid'),
    };
  });
  const bootstrap = nodes.map((n) => `127.0.0.1:${n.port}`);
  return { name, stateDir, nodes, bootstrap, ...(secure && { secure: secureLayout(join(stateDir, 'tls')) }) };
}

function secureLayout(dir: string): SecureLayout {
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    caKeyFile: join(dir, 'ca.key'),
    brokerPemFile: join(dir, 'broker.pem'),
    username: 'herald',
    passwordFile: join(dir, 'herald.password'),
    brokerUsername: 'herald-broker',
    brokerPasswordFile: join(dir, 'herald-broker.password'),
  };
}

/** The SASL mechanisms a secure cluster offers; SCRAM users exist for both SCRAM ones. */
export const SECURE_SCRAM_MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256'] as const;

/** A JAAS config value: quotes and backslashes escaped (passwords are base64url, but be safe). */
const jaasQuote = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * The listener settings of a secure cluster: SASL_SSL for clients and between brokers (as
 * `brokerUsername`), the controller listener on loopback in plaintext, PEM key and trust stores.
 */
function secureProperties(
  node: NodeLayout,
  secure: SecureLayout,
  passwords: { readonly user: string; readonly broker: string },
): string[] {
  const scramJaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username=${jaasQuote(secure.brokerUsername)} password=${jaasQuote(passwords.broker)};`;
  // PLAIN's users are listed in its JAAS config (user_<name>="<password>"); SCRAM's are in the metadata log.
  const plainJaas =
    `org.apache.kafka.common.security.plain.PlainLoginModule required username=${jaasQuote(secure.brokerUsername)} ` +
    `password=${jaasQuote(passwords.broker)} user_${secure.brokerUsername}=${jaasQuote(passwords.broker)} ` +
    `user_${secure.username}=${jaasQuote(passwords.user)};`;
  return [
    `listeners=SASL_SSL://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=SASL_SSL://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=SASL_SSL',
    `sasl.enabled.mechanisms=${[...SECURE_SCRAM_MECHANISMS, 'PLAIN'].join(',')}`,
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scramJaas}`,
    `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=${scramJaas}`,
    `listener.name.sasl_ssl.plain.sasl.jaas.config=${plainJaas}`,
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${secure.brokerPemFile}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${secure.caFile}`,
    'ssl.client.auth=none',
  ];
}

/** `passwords`: the SCRAM/PLAIN users' passwords, required for a secure cluster. */
export function serverProperties(
  cluster: ClusterLayout,
  node: NodeLayout,
  passwords?: { readonly user: string; readonly broker: string },
): string {
  const replicas = cluster.nodes.length;
  const minIsr = replicas >= 3 ? 2 : 1;
  const voters = cluster.nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  const lines = [
    '# Generated by `herald kafka start`; edits are overwritten on the next format.',
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    `controller.quorum.voters=${voters}`,
    ...listenerProperties(cluster, node, passwords),
    `log.dirs=${node.dataDir}`,
    // Herald creates every topic explicitly from schemas/ (partitions, retention): a typo in a
    // topic name must fail loudly, not create a stray topic.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minIsr}`,
    `offsets.topic.replication.factor=${replicas}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minIsr}`,
    'transaction.state.log.num.partitions=10',
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    // Tests join and leave groups constantly; the default 3 s delay would slow every join.
    'group.initial.rebalance.delay.ms=0',
    'log.segment.bytes=67108864',
    'log.retention.hours=168',
  ];
  return `${lines.join('\n')}\n`;
}

function listenerProperties(
  cluster: ClusterLayout,
  node: NodeLayout,
  passwords: { readonly user: string; readonly broker: string } | undefined,
): string[] {
  if (cluster.secure !== undefined) {
    if (passwords === undefined) throw new Error("a secure cluster needs its users' passwords");
    return secureProperties(node, cluster.secure, passwords);
  }
  return [
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
  ];
}
