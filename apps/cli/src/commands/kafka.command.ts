/**
 * `herald kafka start|stop|status|reset [--nodes 3]`: the project's own Kafka, run from
 * Maven-resolved jars. With KAFKA_BROKERS set, the user runs Kafka: we start nothing.
 */
import { Command, Option } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import { LocalKafkaCluster, LocalKafkaError } from '@app/local-kafka';
import { cliConfig } from '../cli-config';

const nodesOption = () =>
  new Option('--nodes <n>', '1 (127.0.0.1:9092) or 3 (19092/29092/39092, RF 3, min ISR 2)')
    .choices(['1', '3'])
    .default('1');

function cluster(nodes: string): LocalKafkaCluster {
  return new LocalKafkaCluster({
    nodes: nodes === '3' ? 3 : 1,
    log: (line) => process.stdout.write(`${line}\n`),
  });
}

async function describeExternal(brokers: readonly string[]): Promise<number> {
  const admin = new Kafka({
    clientId: 'herald-cli',
    brokers: [...brokers],
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

async function start(options: { nodes: string }): Promise<void> {
  const external = cliConfig().KAFKA_BROKERS;
  if (external !== undefined) {
    const count = await describeExternal(external).catch((error: Error) => {
      throw new LocalKafkaError(`KAFKA_BROKERS=${external.join(',')} does not answer: ${error.message}`);
    });
    process.stdout.write(
      `KAFKA_BROKERS is set: using ${external.join(',')} (${count} brokers); starting nothing.\n`,
    );
    return;
  }
  const local = cluster(options.nodes);
  const startedAt = Date.now();
  const started = await local.start();
  const took = ((Date.now() - startedAt) / 1000).toFixed(1);
  const verb = started === 0 ? 'already running' : `started ${started} node(s) in ${took} s`;
  process.stdout.write(`Kafka ${verb}: KAFKA_BROKERS=${local.brokers.join(',')}\n`);
  for (const node of local.layout.nodes) process.stdout.write(`  node ${node.nodeId} log: ${node.logFile}\n`);
}

async function stop(options: { nodes: string }): Promise<void> {
  const external = cliConfig().KAFKA_BROKERS;
  if (external !== undefined) {
    process.stdout.write(
      `KAFKA_BROKERS is set: ${external.join(',')} is not ours to stop; stopping nothing.\n`,
    );
    return;
  }
  const stopped = await cluster(options.nodes).stop();
  process.stdout.write(stopped === 0 ? 'Kafka was not running.\n' : `Stopped ${stopped} Kafka node(s).\n`);
}

async function status(options: { nodes: string }): Promise<void> {
  const nodes = await cluster(options.nodes).status();
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

async function reset(options: { nodes: string }): Promise<void> {
  const local = cluster(options.nodes);
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
    .action(start);
  kafka
    .command('stop')
    .description('stop cleanly (controlled shutdown)')
    .addOption(nodesOption())
    .action(stop);
  kafka
    .command('status')
    .description('show each node; exit 1 unless all run')
    .addOption(nodesOption())
    .action(status);
  kafka.command('reset').description('stop and delete the local data').addOption(nodesOption()).action(reset);
  return kafka;
}
