/**
 * `herald replay` has two modes. `--dlq <topic>.dlq.<group>` puts dead-lettered records back on
 * their original topic, unchanged, once. `--group <g> --to-time <time>` resets a consumer group's
 * committed offsets to that time, so it reads again from there (refused while the group is
 * active, confirmed on a terminal or with --yes). Exit 0 when done, 1 when a record could not be
 * replayed or the reset was refused or declined, 2 for bad input or an unreachable Kafka.
 */
import { Command, Option } from 'commander';
import type { ReplayEvent } from '../replay/dlq-replay';
import { brokerList, groupName, positiveInteger, timePoint, topicName } from './argument-parsers';
import { runAction, writeOut } from './command-support';
import { connectKafka, UsageError } from '../usage-error';

interface ReplayCommandOptions {
  dlq?: string;
  to?: string;
  since?: Date;
  until?: Date;
  id?: string[];
  group?: string;
  toTime?: Date;
  topic?: string[];
  yes?: boolean;
  dryRun: boolean;
  limit?: number;
  format: 'text' | 'json';
  brokers?: string[];
}

const DLQ_ONLY = [
  ['to', '--to'],
  ['since', '--since'],
  ['until', '--until'],
  ['id', '--id'],
  ['limit', '--limit'],
] as const;
const RESET_ONLY = [
  ['group', '--group'],
  ['toTime', '--to-time'],
  ['topic', '--topic'],
  ['yes', '--yes'],
] as const;

function topicList(value: string, previous: string[] = []): string[] {
  return [...previous, topicName(value)];
}

export function replayCommand(): Command {
  return new Command('replay')
    .description(
      're-publish dead-lettered records (--dlq), or reset a consumer group to a point in time (--group --to-time)',
    )
    .exitOverride()
    .showHelpAfterError()
    .option('--dlq <topic>', 'DLQ mode: the dead-letter topic, <topic>.dlq.<group>', topicName)
    .option('--to <topic>', "target topic (default: each record's herald_dlq_topic header)", topicName)
    .option(
      '--since <time>',
      'only records dead-lettered at or after: RFC 3339 or a duration ago (2h, 1d)',
      timePoint,
    )
    .option('--until <time>', 'only records dead-lettered before: RFC 3339 or a duration ago', timePoint)
    .option('--id <ce_id...>', 'only the records with these event ids (ce_id)')
    .option('--group <group>', 'reset mode: the consumer group whose offsets to reset', groupName)
    .option(
      '--to-time <time>',
      'reset mode: re-read from the first record at or after this time (RFC 3339, or a duration ago)',
      timePoint,
    )
    .option(
      '--topic <topic...>',
      'reset mode: the topics to reset (default: those the group has committed offsets for)',
      topicList,
    )
    .option('--yes', 'reset mode: do not ask for confirmation (required when not on a terminal)')
    .option('--dry-run', 'show what would be replayed or reset; change nothing', false)
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

Reset mode moves a consumer group's committed offsets to the first record at or after --to-time
(a partition with no record since then goes to its end), so the group reads those records again.
It refuses while the group has running consumers: stop them first. It prints the plan (topic,
partition, current offset → new offset, records read again) and asks "Reset offsets? [y/N]" on a
terminal; --yes skips the question and is required when not on a terminal.

  herald replay --group audit --to-time 2026-11-27T10:00:00Z --dry-run
  herald replay --group audit --to-time 2h --topic payments.payment.received --yes`,
    )
    .action((options: ReplayCommandOptions) => runAction('replay', () => replay(options)));
}

async function replay(options: ReplayCommandOptions): Promise<number> {
  const given = (names: readonly (readonly [keyof ReplayCommandOptions, string])[]): string[] =>
    names.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
  const resetGiven = given(RESET_ONLY);
  if (options.dlq !== undefined && resetGiven.length > 0) {
    throw new UsageError(
      `--dlq (re-publish dead letters) and ${resetGiven.join(', ')} (reset a consumer group) are different operations: give one or the other`,
    );
  }
  if (options.dlq === undefined && resetGiven.length === 0) {
    throw new UsageError(
      'give --dlq <topic> to re-publish dead letters, or --group <g> --to-time <time> to reset a consumer group',
    );
  }
  if (options.dlq === undefined) return resetGroup(options);
  return replayDlq(options, options.dlq);
}

async function replayDlq(options: ReplayCommandOptions, dlq: string): Promise<number> {
  if (options.since !== undefined && options.until !== undefined && options.since >= options.until) {
    throw new UsageError('--since must be earlier than --until');
  }
  if (options.to !== undefined && options.to === dlq) {
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
        dlq,
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

async function resetGroup(options: ReplayCommandOptions): Promise<number> {
  const dlqOnly = DLQ_ONLY.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
  if (dlqOnly.length > 0) {
    throw new UsageError(
      `${dlqOnly.join(', ')} ${dlqOnly.length === 1 ? 'applies' : 'apply'} only with --dlq, not to a consumer group reset`,
    );
  }
  if (options.group === undefined || options.toTime === undefined) {
    throw new UsageError('a consumer group reset needs both --group <group> and --to-time <time>');
  }
  const interactive = process.stdin.isTTY === true;
  if (!options.dryRun && options.yes !== true && !interactive) {
    throw new UsageError('refusing without --yes when not interactive (see the plan first with --dry-run)');
  }
  const { applyOffsetReset, GroupActiveError, kafkaOffsetResetPort, planOffsetReset } =
    await import('../replay/offset-reset');
  const { planJson, planText } = await import('../replay/offset-reset.reporter');
  const { cliKafka } = await import('./cli-kafka');
  const admin = cliKafka(options.brokers, 'herald-cli-replay').admin();
  await connectKafka(admin);
  try {
    const port = kafkaOffsetResetPort(admin);
    const plan = await planOffsetReset(port, {
      group: options.group,
      at: options.toTime,
      topics: options.topic,
    });
    const json = options.format === 'json';
    if (!json) await writeOut(planText(plan));
    if (options.dryRun) {
      await writeOut(
        json ? planJson(plan, { dryRun: true, applied: false }) : 'Dry run: nothing was changed.\n',
      );
      return 0;
    }
    if (options.yes !== true && !(await confirm('Reset offsets? [y/N] '))) {
      process.stderr.write('herald replay: not confirmed; nothing was changed\n');
      return 1;
    }
    await applyOffsetReset(port, plan);
    await writeOut(
      json
        ? planJson(plan, { dryRun: false, applied: true })
        : `Reset consumer group ${plan.group}: it reads again from ${plan.at.toISOString()} when its consumers start.\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof GroupActiveError)) throw error;
    process.stderr.write(`herald replay: ${error.message}\n`);
    return 1;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Asks on the terminal; anything but y/yes (or Ctrl-C, or end of input) is a no. */
async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => {
      prompt.on('SIGINT', () => resolve(''));
      prompt.on('close', () => resolve(''));
      prompt.question(question, resolve);
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
