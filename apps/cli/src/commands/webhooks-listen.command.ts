/**
 * `herald webhooks listen [--forward-to <url>] [--types ...]`: a temporary endpoint to a receiver
 * on this machine, for developing a webhook consumer (webhooks/webhooks-listener.ts). Runs until
 * SIGINT or SIGTERM, then deletes the endpoint.
 */
import { Command, Option } from 'commander';
import { WebhookListener } from '../webhooks/webhooks-listener';
import { httpUrl, nonNegativeInteger } from './argument-parsers';
import { adminClient, list, runWebhooks, withCommonOptions, type CommonOptions } from './webhooks-support';

interface ListenCommandOptions extends CommonOptions {
  forwardTo?: string;
  types?: string[];
  tenant?: string;
  format?: string;
  port: number;
}

export function webhookListenCommand(): Command {
  return withCommonOptions(new Command('listen'))
    .description('receive webhooks on this machine through a temporary endpoint: verify, print, forward')
    .option(
      '--forward-to <url>',
      'forward each delivery here (same body and headers); its status is the answer',
      httpUrl,
    )
    .option('--types <patterns>', 'event types to receive (comma-separated, repeatable; default *)', list)
    .option('--tenant <tenant>', 'only events of this tenant')
    .addOption(new Option('--format <format>', 'the body').choices(['standard', 'cloudevents']))
    .option(
      '--port <port>',
      'the local receiver port on 127.0.0.1 (default: any free one)',
      nonNegativeInteger,
      0,
    )
    .action((options: ListenCommandOptions) =>
      runWebhooks('listen', async () => {
        const listener = new WebhookListener(
          adminClient(options),
          {
            types: options.types ?? ['*'],
            port: options.port,
            json: options.json,
            ...(options.forwardTo === undefined ? {} : { forwardTo: options.forwardTo }),
            ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
            ...(options.format === undefined ? {} : { format: options.format }),
          },
          {
            event: (text) => process.stdout.write(text),
            status: (text) => process.stderr.write(text),
          },
        );
        await listener.start();
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await listener.stop();
        return 0;
      }),
    );
}
