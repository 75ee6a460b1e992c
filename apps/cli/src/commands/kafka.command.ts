/**
 * `herald kafka start|stop|status|reset [--nodes 3] [--secure]`: the project's own Kafka, run
 * from Maven-resolved jars. With KAFKA_BROKERS set, the user runs Kafka: we start nothing.
 * `--secure` is a second local cluster with a SASL_SSL listener (127.0.0.1:9192; 19192/29192/
 * 39192 with --nodes 3) in its own folder, beside the plaintext one: `start --secure` prints the
 * environment to connect to it, whatever KAFKA_BROKERS says.
 */
import { Command, Option } from 'commander';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { LocalKafkaCluster, LocalKafkaError } from '@app/local-kafka';
import { cliConfig, cliKafkaSecurity } from '../cli-config';

interface ClusterOptions {
  readonly nodes: string;
  readonly secure?: boolean;
}

const secureOption = () =>
  new Option(
    '--secure',
    'the SASL_SSL cluster (SCRAM-SHA-512/256, PLAIN; own CA) on 9192 (--nodes 3: 19192/29192/39192), beside the plaintext one',
  );

const nodesOption = () =>
  new Option('--nodes <n>', '1 (127.0.0.1:9092) or 3 (19092/29092/39092, RF 3, min ISR 2)')
    .choices(['1', '3'])
    .default('1');

function cluster(options: ClusterOptions): LocalKafkaCluster {
  return new LocalKafkaCluster({
    nodes: options.nodes === '3' ? 3 : 1,
    secure: options.secure === true,
    log: (line) => process.stdout.write(`${line}\n`),
  });
}

/** Shell lines that point the apps and the CLI at a local cluster (no secret: the password is a file). */
function printClientEnv(local: LocalKafkaCluster): void {
  const env = local.clientEnv();
  process.stdout.write('Connect the apps and the CLI with:\n');
  for (const [name, value] of Object.entries(env)) process.stdout.write(`  export ${name}=${value}\n`);
}

async function describeExternal(brokers: readonly string[]): Promise<number> {
  const { ssl, sasl } = cliKafkaSecurity();
  const admin = new Kafka({
    clientId: 'herald-cli',
    brokers: [...brokers],
    ...(ssl && { ssl: { ...ssl } }),
    ...(sasl && { sasl: { ...sasl } as SASLOptions }),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 1 },
  }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect();
  }
}

async function start(options: ClusterOptions): Promise<void> {
  const external = cliConfig().KAFKA_BROKERS;
  if (external !== undefined && options.secure !== true) {
    const count = await describeExternal(external).catch((error: Error) => {
      throw new LocalKafkaError(`KAFKA_BROKERS=${external.join(',')} does not answer: ${error.message}`);
    });
    process.stdout.write(
      `KAFKA_BROKERS is set: using ${external.join(',')} (${count} brokers); starting nothing.\n`,
    );
    return;
  }
  const local = cluster(options);
  const startedAt = Date.now();
  const started = await local.start();
  const took = ((Date.now() - startedAt) / 1000).toFixed(1);
  const verb = started === 0 ? 'already running' : `started ${started} node(s) in ${took} s`;
  process.stdout.write(`Kafka ${verb}: KAFKA_BROKERS=${local.brokers.join(',')}\n`);
  for (const node of local.layout.nodes) process.stdout.write(`  node ${node.nodeId} log: ${node.logFile}\n`);
  if (local.layout.secure !== undefined) printClientEnv(local);
}

async function stop(options: ClusterOptions): Promise<void> {
  const external = cliConfig().KAFKA_BROKERS;
  if (external !== undefined && options.secure !== true) {
    process.stdout.write(
      `KAFKA_BROKERS is set: ${external.join(',')} is not ours to stop; stopping nothing.\n`,
    );
    return;
  }
  const stopped = await cluster(options).stop();
  process.stdout.write(stopped === 0 ? 'Kafka was not running.\n' : `Stopped ${stopped} Kafka node(s).\n`);
}

async function status(options: ClusterOptions): Promise<void> {
  const nodes = await cluster(options).status();
  for (const n of nodes) {
    const state =
      n.pid !== undefined
        ? `running (pid ${n.pid})`
        : n.answering
          ? 'port taken by another process'
          : 'stopped';
    process.stdout.write(`node ${n.nodeId}  ${n.address}  ${state}  log: ${n.logFile}\n`);
  }
  if (nodes.some((n) => n.pid === undefined)) process.exitCode = 1;
}

async function reset(options: ClusterOptions): Promise<void> {
  const local = cluster(options);
  await local.reset();
  process.stdout.write(
    `Stopped and deleted ${local.layout.stateDir}; the next start formats a new cluster.\n`,
  );
}

export function kafkaCommand(): Command {
  const kafka = new Command('kafka').description(
    'run the local Apache Kafka (KRaft) from Maven-resolved jars',
  );
  kafka
    .command('start')
    .description('start (idempotent) and wait until metadata answers')
    .addOption(nodesOption())
    .addOption(secureOption())
    .action(start);
  kafka
    .command('stop')
    .description('stop cleanly (controlled shutdown)')
    .addOption(nodesOption())
    .addOption(secureOption())
    .action(stop);
  kafka
    .command('status')
    .description('show each node; exit 1 unless all run')
    .addOption(nodesOption())
    .addOption(secureOption())
    .action(status);
  kafka
    .command('reset')
    .description('stop and delete the local data')
    .addOption(nodesOption())
    .addOption(secureOption())
    .action(reset);
  return kafka;
}
