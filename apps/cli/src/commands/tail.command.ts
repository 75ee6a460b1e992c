/**
 * `herald tail <type|topic>`: kcat for Herald events — reads a topic (without moving any consumer
 * group, unless --group names one to read as), decodes each record through the registry and prints it as JSON with its envelope.
 * Exit 0 when every record decoded, 1 when one did not (it is printed as an error in its
 * place), 2 for bad input or an unreachable Kafka or registry. Ctrl-C stops cleanly.
 */
import { Command, Option } from 'commander';
import { cliRegistry } from '../cli-config';
import type { TailFormat } from '../tail/tail.reporter';
import type { StartPosition } from '../tail/topic-reader';
import {
  brokerList,
  groupName,
  httpUrl,
  kafkaOffset,
  nonNegativeInteger,
  positiveInteger,
  timePoint,
  topicName,
} from './argument-parsers';
import { runAction, writeOut } from './command-support';
import { UsageError } from '../usage-error';

interface TailCommandOptions {
  fromBeginning: boolean;
  since?: Date;
  partition?: number;
  offset?: string;
  limit?: number;
  asVersion?: number;
  /** The old name of --as-version, still accepted. */
  version?: number;
  group?: string;
  format?: TailFormat;
  brokers?: string[];
  registry?: string;
}

export function tailCommand(): Command {
  return new Command('tail')
    .description(
      'print the events of a topic, decoded through the schema registry (no consumer group moves without --group)',
    )
    .exitOverride()
    .showHelpAfterError()
    .argument('<type|topic>', 'event type (= its topic), e.g. payments.payment.received', topicName)
    .option('--from-beginning', 'start at the oldest retained record (default: only new records)', false)
    .option(
      '--since <time>',
      'start at records written since an RFC 3339 time or a duration ago (10m, 2h, 1d)',
      timePoint,
    )
    .option('--partition <n>', 'read only this partition', nonNegativeInteger)
    .option(
      '--offset <n>',
      'start at this offset of --partition (e.g. the partition and offset herald publish printed)',
      kafkaOffset,
    )
    .option('--limit <n>', 'exit after n records (default: follow until Ctrl-C)', positiveInteger)
    .option(
      '--as-version <n>',
      "read every record as this version of the type's schema (schema evolution)",
      positiveInteger,
    )
    .option('--version <n>', 'the same as --as-version (its former name)', positiveInteger)
    .option(
      '--group <group>',
      'read as this consumer group: from its committed offsets, committing what was printed (default: a throw-away group that never commits)',
      groupName,
    )
    .addOption(
      new Option('--format <format>', 'text (default on a terminal) or json (one object per line)').choices([
        'text',
        'json',
      ]),
    )
    .option(
      '--brokers <list>',
      'Kafka bootstrap servers (default: KAFKA_BROKERS, else 127.0.0.1:9092)',
      brokerList,
    )
    .option(
      '--registry <url>',
      'schema registry URL (default: SCHEMA_REGISTRY_URL, else http://127.0.0.1:8081)',
      httpUrl,
    )
    .addHelpText(
      'after',
      `
Examples:
  herald tail payments.payment.received                      follow new events
  herald tail payments.payment.received --since 10m --limit 5
  herald tail payments.payment.received --partition 3 --offset 1187 --limit 1   one record
  herald tail orders.order.shipped --from-beginning --as-version 1 --format json | jq .data
  herald tail payments.payment.received --group support --limit 10   the next 10 for "support"

JSON lines carry id, type, source, time, version, schemaId, topic, partition, offset, timestamp,
key, headers (every header, ce_* included) and data (Herald's JSON mapping). A record that does
not decode is printed in its place with {"error":{"code","message"}} and makes the exit code 1.
Tail joins a throw-away consumer group that never commits and is deleted on exit. With --group it
reads as that group instead: from its committed offsets (--from-beginning/--since only where it
has none), committing each record once printed, so the next tail --group continues after it; a
group with running consumers is refused.`,
    )
    .action((topic: string, options: TailCommandOptions) => runAction('tail', () => tail(topic, options)));
}

function startPosition(options: TailCommandOptions): StartPosition {
  const given = [
    options.fromBeginning ? '--from-beginning' : undefined,
    options.since === undefined ? undefined : '--since',
    options.offset === undefined ? undefined : '--offset',
  ].filter((name) => name !== undefined);
  if (given.length > 1) {
    const verb = given.length === 2 ? 'both say' : 'all say';
    throw new UsageError(`${given.join(' and ')} ${verb} where to start: give one`);
  }
  if (options.offset !== undefined) {
    if (options.partition === undefined) {
      throw new UsageError('--offset needs --partition: an offset is a position in one partition');
    }
    if (options.group !== undefined) {
      throw new UsageError(
        "--offset and --group both say where to start (--group reads from the group's offsets): give one",
      );
    }
    return { kind: 'offset', partition: options.partition, offset: options.offset };
  }
  if (options.fromBeginning) return { kind: 'beginning' };
  return options.since === undefined ? { kind: 'end' } : { kind: 'time', at: options.since };
}

/** First Ctrl-C stops reading and cleans up; a second one exits at once. */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function readerVersion(options: TailCommandOptions): number | undefined {
  if (
    options.asVersion !== undefined &&
    options.version !== undefined &&
    options.asVersion !== options.version
  ) {
    throw new UsageError('--as-version and --version (its former name) disagree: give one');
  }
  return options.asVersion ?? options.version;
}

async function tail(topic: string, options: TailCommandOptions): Promise<number> {
  const start = startPosition(options);
  const version = readerVersion(options);
  const { RegistryClient } = await import('@app/registry-client');
  const { tailTopic } = await import('../tail/tail-run');
  const { cliKafka } = await import('./cli-kafka');
  const registry = new RegistryClient(cliRegistry(options.registry));
  const format = options.format ?? (process.stdout.isTTY ? 'text' : 'json');
  const interrupt = interruptSignal();
  try {
    const summary = await tailTopic(
      cliKafka(options.brokers, 'herald-cli-tail'),
      registry,
      {
        topic,
        start,
        partition: options.partition,
        group: options.group,
        limit: options.limit,
        readerVersion: version,
        format,
        signal: interrupt.signal,
      },
      writeOut,
    );
    if (summary.undecodable > 0) {
      process.stderr.write(
        `herald tail: ${summary.undecodable} of ${summary.records} record(s) could not be decoded\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    interrupt.dispose();
  }
}
