/**
 * What the `herald webhooks` subcommands share: the app's URL and token (--url, else WEBHOOKS_URL;
 * WEBHOOKS_ADMIN_TOKEN), printing an answer as JSON or text, refusals of the API as the exit code
 * they mean (2 refused input, 1 missing or conflicting), and following a job until it ends.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { cliConfig } from '../cli-config';
import { WebhooksAdminClient, WebhooksApiError } from '../webhooks/webhooks-admin.client';
import { jobText, type JobJson } from '../webhooks/webhooks-text';
import { httpUrl, parseDurationMs } from './argument-parsers';
import { runAction, writeOut } from './command-support';

export interface CommonOptions {
  url?: string;
  json: boolean;
}

/** --url and --json, on every subcommand. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the webhooks app (default: WEBHOOKS_URL, else http://127.0.0.1:8082)', httpUrl)
    .option('--json', "print the API's JSON answer", false)
    .exitOverride()
    .showHelpAfterError();
}

export function adminClient(options: { url?: string }): WebhooksAdminClient {
  const config = cliConfig();
  return new WebhooksAdminClient(options.url ?? config.WEBHOOKS_URL, config.WEBHOOKS_ADMIN_TOKEN);
}

/** Runs a subcommand; an answer the API refused prints its problem and exits 1 or 2. */
export function runWebhooks(name: string, action: () => Promise<number>): Promise<void> {
  return runAction(`webhooks ${name}`, async () => {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof WebhooksApiError)) throw error;
      process.stderr.write(`herald webhooks ${name}: ${error.describe()}\n`);
      return error.exitCode;
    }
  });
}

export async function printAnswer<T>(
  answer: T,
  options: CommonOptions,
  text: (value: T) => string,
): Promise<void> {
  await writeOut(options.json ? `${JSON.stringify(answer, null, 2)}\n` : text(answer));
}

/**
 * Polls a job until it ends, writing its progress to stderr as it changes; exit 0 when it
 * succeeded, 1 when it failed or was cancelled.
 */
export async function followJob(
  client: WebhooksAdminClient,
  job: JobJson,
  options: CommonOptions,
): Promise<number> {
  let current = job;
  let last = '';
  for (;;) {
    const line = jobText(current);
    if (line !== last && !options.json) process.stderr.write((last = line));
    if (['succeeded', 'failed', 'cancelled'].includes(current.state)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
    current = await client.get<JobJson>(`/v1/jobs/${current.id}`);
  }
  await printAnswer(current, options, jobText);
  return current.state === 'succeeded' ? 0 : 1;
}

/** `key=value`, repeatable: collected into a record (commander's custom option processing). */
export function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`must be key=value, got "${value}"`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Comma-separated, repeatable: `--types a,b --types c`. */
export function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

/** `0` or a duration such as `90s`, `10m`, `24h`, in milliseconds. */
export function duration(value: string): number {
  const ms = value === '0' ? 0 : parseDurationMs(value);
  if (ms === undefined)
    throw new InvalidArgumentError(`must be 0 or a duration such as 90s, 10m, 24h (got "${value}")`);
  return ms;
}
