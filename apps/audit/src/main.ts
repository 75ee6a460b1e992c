/** The audit app's entry point: validated config, then the HTTP API and the consumer. */
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig, startTracing } from '@app/platform';
import { startAuditApp } from './audit-app';
import { auditConfigSchema, type AuditConfig } from './config';

async function main(): Promise<void> {
  let config: AuditConfig;
  try {
    config = loadConfig(auditConfigSchema, process.env);
    startTracing('audit', process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`audit: ${error.message}\n`);
    process.exit(1);
  }
  try {
    const app = await startAuditApp(config);
    app.get(Logger).log(`audit listening on ${await app.getUrl()}`);
  } catch (error) {
    process.stderr.write(
      `audit: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}

void main();
