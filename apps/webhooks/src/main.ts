/** The webhooks app's entry point: validated config, then the admin API, the fan-out and the delivery loop. */
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig, startTracing } from '@app/platform';
import { webhooksConfigSchema, type WebhooksConfig } from './config';
import { startWebhooksApp } from './webhooks-app';

async function main(): Promise<void> {
  let config: WebhooksConfig;
  try {
    config = loadConfig(webhooksConfigSchema, process.env);
    startTracing('webhooks', process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`webhooks: ${error.message}\n`);
    process.exit(1);
  }
  try {
    const app = await startWebhooksApp(config);
    app.get(Logger).log(`webhooks listening on ${await app.getUrl()}`);
  } catch (error) {
    process.stderr.write(
      `webhooks: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}

void main();
