/** apps/<name>/src/main.ts: validated config, the HTTP app (health, metrics, docs), then the consumer. */
import { lib, type ConsumerSpec } from '../consumer-description';

export function mainTemplate(s: ConsumerSpec): string {
  return `/** Entry point of ${s.name}: validated config, the HTTP app (health, metrics, docs), then the Kafka consumer. */
import { Logger } from 'nestjs-pino';
import { connectHeraldConsumer } from '${lib('kafka')}';
import {
  ConfigError,
  MetricsService,
  createHttpApp,
  kafkaConnection,
  loadConfig,
  registryConnection,
} from '${lib('platform')}';
import { RegistryClient } from '${lib('registry-client')}';
import { ${s.camelName}ConfigSchema, type ${s.className}Config } from './config';
import { ${s.className}Module } from './${s.name}.module';

async function main(): Promise<void> {
  let config: ${s.className}Config;
  try {
    config = loadConfig(${s.camelName}ConfigSchema, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(\`${s.name}: \${error.message}\\n\`);
    process.exit(1);
  }
  try {
    const app = await createHttpApp(${s.className}Module.register(config), {
      name: '${s.name}',
      title: 'Herald ${s.name}',
      description: 'Herald consumer app ${s.name}.',
    });
    connectHeraldConsumer(app, {
      ...kafkaConnection(config),
      groupId: config.CONSUMER_GROUP,
      clientId: 'herald-${s.name}',
      schemaSource: new RegistryClient(registryConnection(config)),
      metrics: app.get(MetricsService).registry,
    });
    await app.startAllMicroservices();
    await app.listen(config.${s.envPrefix}_PORT, config.HOST);
    app.get(Logger).log(\`${s.name} listening on \${await app.getUrl()}\`);
  } catch (error) {
    process.stderr.write(\`${s.name}: failed to start: \${error instanceof Error ? error.message : String(error)}\\n\`);
    process.exit(1);
  }
}

void main();
`;
}
