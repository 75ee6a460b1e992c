/**
 * `herald webhooks`: the webhooks app's admin API from the shell (WEBHOOKS_URL or --url,
 * WEBHOOKS_ADMIN_TOKEN as bearer; --json prints the API's answers): `endpoints`, `deliveries`,
 * `replay`, `test`, `jobs` (webhooks-endpoints.command.ts, webhooks-deliveries.command.ts) and
 * `listen` (webhooks-listen.command.ts), and here:
 *
 * `herald webhooks pins [--url <url>] [--json]`: the schema versions webhook endpoints pin, per
 * type, with how many endpoints pin each, from the webhooks app's `GET /v1/pins` (WEBHOOKS_URL,
 * WEBHOOKS_ADMIN_TOKEN as bearer). `--json` prints the document `herald schemas check --pins <file>`
 * reads, so a CI without access to the deployed app can check an exported copy. Exit 2 when the
 * app cannot be asked (unreachable, no or a wrong token).
 */
import { Command } from 'commander';
import { cliConfig } from '../cli-config';
import type { PinInUse } from '../schema-check/pinned-versions.rule';
import { PinsSourceError, pinsUrl, readPins } from '../schema-check/pins.source';
import { httpUrl } from './argument-parsers';
import { runAction, writeOut } from './command-support';
import { UsageError } from '../usage-error';
import {
  webhookDeliveriesCommand,
  webhookJobsCommand,
  webhookReplayCommand,
  webhookTestCommand,
} from './webhooks-deliveries.command';
import { webhookEndpointsCommand } from './webhooks-endpoints.command';
import { webhookListenCommand } from './webhooks-listen.command';

interface PinsOptions {
  url?: string;
  json: boolean;
}

export function webhooksCommand(): Command {
  const webhooks = new Command('webhooks')
    .description('ask the webhooks app (admin API)')
    .exitOverride()
    .showHelpAfterError();
  webhooks
    .command('pins')
    .description('the schema versions webhook endpoints pin, per type, with how many endpoints pin each')
    .option('--url <url>', 'the webhooks app (default: WEBHOOKS_URL, else http://127.0.0.1:8082)', httpUrl)
    .option('--json', 'print JSON, the file `herald schemas check --pins <file>` reads', false)
    .action((options: PinsOptions) => runAction('webhooks pins', () => pins(options)));
  return webhooks
    .addCommand(webhookEndpointsCommand())
    .addCommand(webhookDeliveriesCommand())
    .addCommand(webhookReplayCommand())
    .addCommand(webhookTestCommand())
    .addCommand(webhookJobsCommand())
    .addCommand(webhookListenCommand());
}

async function pins(options: PinsOptions): Promise<number> {
  const config = cliConfig();
  const url = pinsUrl(options.url ?? config.WEBHOOKS_URL);
  let listed: readonly PinInUse[];
  try {
    listed = (await readPins(url, { cwd: process.cwd(), token: config.WEBHOOKS_ADMIN_TOKEN })).pins;
  } catch (error) {
    if (error instanceof PinsSourceError) throw new UsageError(error.message);
    throw error;
  }
  await writeOut(options.json ? `${JSON.stringify({ pins: listed }, null, 2)}\n` : table(listed));
  return 0;
}

function table(pins: readonly PinInUse[]): string {
  if (pins.length === 0) return 'No webhook endpoint pins a version.\n';
  const rows = [
    ['type', 'version', 'endpoints'],
    ...pins.map((p) => [p.type, String(p.version), String(p.endpoints)]),
  ];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map(
      ([type, version, endpoints]) =>
        `${type!.padEnd(widths[0]!)}  ${version!.padEnd(widths[1]!)}  ${endpoints}\n`,
    )
    .join('');
}
