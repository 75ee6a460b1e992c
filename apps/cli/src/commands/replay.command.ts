/**
 * `herald replay --dlq <topic>.dlq.<group>`: puts dead-lettered records back on their original
 * topic, unchanged, once. Exit 0 when every selected record was replayed, 1 when one could not
 * be, 2 for bad input or an unreachable Kafka.
 */
import { Command, Option } from 'commander';
import type { ReplayEvent } from '../replay/dlq-replay';
import { brokerList, positiveInteger, timePoint, topicName } from './argument-parsers';
import { runAction, UsageError, writeOut } from './command-support';

interface ReplayCommandOptions {
  dlq: string;
  to?: string;
  since?: Date;
  until?: Date;
  id?: string[];
  dryRun: boolean;
  limit?: number;
  format: 'text' | 'json';
  brokers?: string[];
}

export function replayCommand(): Command {
  return new Command('replay')
    .description('re-publish dead-lettered records to their original topic, each at most once')
    .exitOverride()
    .showHelpAfterError()
    .requiredOption('--dlq <topic>', 'the dead-letter topic, <topic>.dlq.<group>', topicName)
    .option('--to <topic>', "target topic (default: each record's herald_dlq_topic header)", topicName)
    .option(
      '--since <time>',
      'only records dead-lettered at or after: RFC 3339 or a duration ago (2h, 1d)',
      timePoint,
    )
    .option('--until <time>', 'only records dead-lettered before: RFC 3339 or a duration ago', timePoint)
    .option('--id <ce_id...>', 'only the records with these event ids (ce_id)')
    .option('--dry-run', 'list what would be replayed; write and commit nothing', false)
    .option('--limit <n>', 'replay at most n records', positiveInteger)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option(
      '--brokers <list>',
      'Kafka bootstrap servers (default: KAFKA_BROKERS, else 127.0.0.1:9092)',
      brokerList,
    )
    .addHelpText(
      'after',
      `
Each record goes back with its ORIGINAL key, value bytes and headers (the herald_dlq_* headers
removed, herald_replayed_from: <dlq>/<partition>/<offset> added), through an idempotent producer
with acks=all, so the consumer that dead-lettered it gets exactly what it failed on.

Kafka cannot delete records, so the DLQ keeps them. Replay remembers what it replayed in its own
consumer group, herald-replay.<dlq> (offsets and commit metadata): a second run, or a run after
an interruption, does not replay a record twice. Records a filtered run did not select stay
replayable. Reading stops at the end of the DLQ as it was when the run started.

Examples:
  herald replay --dlq payments.payment.received.dlq.audit --dry-run
  herald replay --dlq payments.payment.received.dlq.audit --since 2h --limit 100
  herald replay --dlq orders.order.shipped.dlq.webhooks --id 0193a… 0193b…

Resetting a consumer group to a point in time is a different operation: use
kafka-consumer-groups.sh --group <g> --topic <t> --reset-offsets --to-datetime <time> --execute.`,
    )
    .action((options: ReplayCommandOptions) => runAction('replay', () => replay(options)));
}

async function replay(options: ReplayCommandOptions): Promise<number> {
  if (options.since !== undefined && options.until !== undefined && options.since >= options.until) {
    throw new UsageError('--since must be earlier than --until');
  }
  if (options.to !== undefined && options.to === options.dlq) {
    throw new UsageError('--to is the DLQ itself: records would go round in circles');
  }
  const { replayDeadLetters } = await import('../replay/dlq-replay');
  const { eventText, summaryJson, summaryText } = await import('../replay/replay.reporter');
  const { cliKafka } = await import('./cli-kafka');
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const events: ReplayEvent[] = [];
  try {
    const summary = await replayDeadLetters(
      cliKafka(options.brokers, 'herald-cli-replay'),
      {
        dlq: options.dlq,
        to: options.to,
        since: options.since,
        until: options.until,
        ids: options.id,
        dryRun: options.dryRun,
        limit: options.limit,
        signal: controller.signal,
      },
      async (event) => {
        events.push(event);
        if (options.format === 'text') await writeOut(eventText(event));
      },
    );
    await writeOut(options.format === 'json' ? summaryJson(summary, events) : summaryText(summary));
    return summary.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
