/**
 * `herald analytics rebuild <metric>`: recomputes a declared metric from the retained history of
 * its topic through the running analytics app (ANALYTICS_URL or --url), printing the progress,
 * and exits 0 once the rebuilt metric is the one served. Exit 1 when the app refuses or the
 * rebuild does not finish in --timeout, 2 for bad input or an unreachable app.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '@app/config';
import { describeProgress, rebuildMetric, RebuildRequestError } from '../analytics/metric-rebuild.client';
import { httpUrl, positiveInteger } from './argument-parsers';
import { runAction, writeOut } from './command-support';
import { UsageError } from '../usage-error';

const analyticsConfig = z.object({
  /** The analytics app `herald analytics` talks to. */
  ANALYTICS_URL: z
    .url({ error: 'must be an http(s) URL such as http://127.0.0.1:8083' })
    .default('http://127.0.0.1:8083'),
});

interface RebuildOptions {
  url?: string;
  timeout: number;
}

async function rebuild(metric: string, options: RebuildOptions): Promise<number> {
  const url = options.url ?? loadConfig(analyticsConfig, process.env).ANALYTICS_URL;
  let last = '';
  try {
    const state = await rebuildMetric({
      url,
      metric,
      pollMs: 500,
      timeoutMs: options.timeout * 1_000,
      onProgress: (progress) => {
        const line = describeProgress(progress);
        if (line !== last) process.stderr.write(`${(last = line)}\n`);
      },
    });
    await writeOut(`${state.name}: rebuilt and live\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof RebuildRequestError)) throw error;
    if (error.message.startsWith('cannot reach')) throw new UsageError(error.message);
    process.stderr.write(`herald analytics rebuild: ${error.message}\n`);
    return 1;
  }
}

export function analyticsCommand(): Command {
  const command = new Command('analytics').description('operate the analytics app').exitOverride();
  command
    .command('rebuild')
    .description('recompute a declared metric from the topic history, then switch to it atomically')
    .exitOverride()
    .showHelpAfterError()
    .argument('<metric>', 'the name of a metric declared in the analytics metrics file')
    .option('--url <url>', 'the analytics app (default: ANALYTICS_URL or http://127.0.0.1:8083)', httpUrl)
    .option('--timeout <seconds>', 'give up after this long', positiveInteger, 3_600)
    .action((metric: string, options: RebuildOptions) =>
      runAction('analytics rebuild', () => rebuild(metric, options)),
    );
  return command;
}
