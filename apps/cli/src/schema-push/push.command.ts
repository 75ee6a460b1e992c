/**
 * `herald schemas push [--dir schemas] [--registry URL] [--brokers list] [--replication-factor n]
 * [--min-insync-replicas n] [--allow-single-replica] [--dry-run] [--format text|json]`. The action module (kafkajs, the registry client) loads only when push
 * runs. Exit codes as `schemas check`: 0 ok, 1 a type failed or the tree is invalid, 2 usage or
 * environment (registry or Kafka unreachable, missing folder).
 */
import { Command, Option } from 'commander';

const FORMATS = ['text', 'json'] as const;

interface PushCommandOptions {
  dir: string;
  registry?: string;
  brokers?: string;
  dryRun: boolean;
  format: (typeof FORMATS)[number];
  replicationFactor?: string;
  minInsyncReplicas?: string;
  allowSingleReplica: boolean;
}

export function pushCommand(): Command {
  return new Command('push')
    .description(
      "create or update each event type's topic, set its subject's compatibility level and register every version in order",
    )
    .exitOverride()
    .showHelpAfterError()
    .option('--dir <dir>', 'the schemas folder', 'schemas')
    .option(
      '--registry <url>',
      'schema registry URL (default: SCHEMA_REGISTRY_URL, else http://127.0.0.1:8081)',
    )
    .option(
      '--brokers <list>',
      'Kafka bootstrap servers, comma-separated (default: KAFKA_BROKERS, else 127.0.0.1:9092)',
    )
    .option(
      '--replication-factor <n>',
      "replicas per partition of topics it creates (default: KAFKA_REPLICATION_FACTOR, else the brokers' default.replication.factor)",
    )
    .option(
      '--min-insync-replicas <n>',
      "min.insync.replicas of each topic (default: KAFKA_MIN_INSYNC_REPLICAS, else the brokers' default)",
    )
    .option(
      '--allow-single-replica',
      'create topics with one replica even on a cluster of 3 or more brokers (refused otherwise)',
      false,
    )
    .option('--dry-run', 'show what would change and write nothing', false)
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .action(push);
}

async function push(options: PushCommandOptions): Promise<void> {
  const { PushEnvironmentError, runPush } = await import('./push.action');
  try {
    process.exitCode = await runPush(options, {
      cwd: process.cwd(),
      env: process.env,
      out: write,
      err: (text) => process.stderr.write(text),
    });
  } catch (error) {
    if (!(error instanceof PushEnvironmentError)) throw error;
    process.stderr.write(`herald: ${error.message}\n`);
    process.exitCode = 2;
  }
}

/** Waits for the write: main exits the process right after, and piped stdout may still be flushing. */
function write(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}
