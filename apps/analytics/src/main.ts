/** The analytics app's entry point: validated config, then the metrics, the HTTP API and the consumer. */
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig, startTracing } from '@app/platform';
import { startAnalyticsApp } from './analytics-app';
import { analyticsConfigSchema, type AnalyticsConfig } from './config';

async function main(): Promise<void> {
  let config: AnalyticsConfig;
  try {
    config = loadConfig(analyticsConfigSchema, process.env);
    startTracing('analytics', process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`analytics: ${error.message}\n`);
    process.exit(1);
  }
  try {
    const app = await startAnalyticsApp(config);
    app.get(Logger).log(`analytics listening on ${await app.getUrl()}`);
  } catch (error) {
    process.stderr.write(
      `analytics: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}

void main();
