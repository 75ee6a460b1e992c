/**
 * `herald publish <type> [--data '<json>' | --file <path> | -]`: publishes events through the
 * gateway with the SDK. Exit 0 when every event was accepted, 1 when the gateway rejected one
 * (or stayed unavailable through the retries), 2 for bad input or an unreachable gateway.
 */
import { Command, Option } from 'commander';
import { cliConfig } from '../cli-config';
import { eventType, httpUrl, parseTimePoint, positiveInteger } from './argument-parsers';
import { runAction, writeOut } from './command-support';
import { UsageError } from '../usage-error';

interface PublishCommandOptions {
  data?: string;
  file?: string;
  version?: number;
  key?: string;
  id?: string;
  subject?: string;
  time?: string;
  atomic: boolean;
  url?: string;
  apiKey?: string;
  format: 'text' | 'json';
}

export function publishCommand(): Command {
  return new Command('publish')
    .description('publish events through the gateway (POST /v1/events, or /v1/events/batch for NDJSON)')
    .exitOverride()
    .showHelpAfterError()
    .argument('<type>', 'event type, e.g. payments.payment.received', eventType)
    .argument('[stdin]', '"-" reads NDJSON from stdin: one event\'s data per line')
    .option('--data <json>', "the event's data as JSON")
    .option('--file <path>', 'a JSON file with the data; *.ndjson / *.jsonl (or -) hold one per line')
    .option('--version <n>', 'schema version of the data (default: the latest)', positiveInteger)
    .option('--key <key>', 'Kafka key (default: the data field event.yaml names)')
    .option('--id <id>', 'event id (default: a new UUIDv7); publishing the same id and data again is a no-op')
    .option('--subject <subject>', 'CloudEvents subject (ce_subject)')
    .option('--time <rfc3339>', 'when it happened (default: the gateway receive time)')
    .option('--atomic', 'with several events: all or nothing (a Kafka transaction)', false)
    .option('--url <url>', 'gateway URL (default: GATEWAY_URL, else http://127.0.0.1:8080)', httpUrl)
    .option('--api-key <key>', 'API key (default: HERALD_API_KEY); see herald keys create')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  herald publish payments.payment.received --data '{"payment_id":"…","amount_minor":1250,…}'
  herald publish payments.payment.received --version 1 --file payment.json --format json
  jq -c '.[]' payments.json | herald publish payments.payment.received -

Each result shows id, topic, partition, offset and whether it was a duplicate. A rejected event
prints the gateway's problem and each "path: message". Exit 0 all accepted, 1 any rejected,
2 bad input or the gateway unreachable.`,
    )
    .action((type: string, stdin: string | undefined, options: PublishCommandOptions) =>
      runAction('publish', () => publish(type, stdin, options)),
    );
}

async function publish(
  type: string,
  stdin: string | undefined,
  options: PublishCommandOptions,
): Promise<number> {
  if (stdin !== undefined && stdin !== '-') {
    throw new UsageError(
      `unexpected argument "${stdin}": only "-" (read NDJSON from stdin) may follow the type`,
    );
  }
  const { HeraldClient, HeraldError, HeraldNetworkError } = await import('@app/sdk');
  const { chooseSource, readEventData } = await import('../publish/publish-input');
  const { publishEvents } = await import('../publish/event-publication');
  const { renderOutcomes } = await import('../publish/publication.reporter');
  const time = options.time === undefined ? undefined : parseTimePoint(options.time).toISOString();
  const source = chooseSource({ data: options.data, file: options.file, dash: stdin === '-' });
  const config = cliConfig();
  const apiKey = options.apiKey ?? config.HERALD_API_KEY;
  if (apiKey === undefined) {
    throw new UsageError('no API key: pass --api-key or set HERALD_API_KEY (herald keys create makes one)');
  }
  const items = await readEventData(source);
  if (options.id !== undefined && items.length > 1) {
    throw new UsageError(`--id names one event, but the input has ${items.length}`);
  }
  const url = options.url ?? config.GATEWAY_URL;
  const client = new HeraldClient({ url, apiKey, retries: 3 });
  try {
    const outcomes = await publishEvents(
      client,
      {
        type,
        version: options.version,
        key: options.key,
        id: options.id,
        subject: options.subject,
        time,
        atomic: options.atomic,
      },
      items,
    );
    const rendered = renderOutcomes(outcomes, options.format);
    if (rendered.stderr !== '') process.stderr.write(rendered.stderr);
    await writeOut(rendered.stdout);
    return outcomes.some((outcome) => outcome.status === 'rejected') ? 1 : 0;
  } catch (error) {
    if (error instanceof HeraldNetworkError) throw new UsageError(error.message);
    if (!(error instanceof HeraldError)) throw error;
    process.stderr.write(`herald publish: ${error.message}\n`);
    return 1;
  } finally {
    await client.close();
  }
}
