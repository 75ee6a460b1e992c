/** apps/<name>/src/<name>.module.ts: the app's Nest module. */
import { lib, type ConsumerSpec } from '../consumer-description';

export function moduleTemplate(s: ConsumerSpec): string {
  return `/** Wires ${s.name}: platform (logs, health, metrics) and its Kafka handlers. */
import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '${lib('platform')}';
import type { ${s.className}Config } from './config';
import { EVENT_LOG_LEVEL, ${s.className}Handlers } from './${s.name}.handlers';

@Module({})
export class ${s.className}Module {
  static register(config: ${s.className}Config): DynamicModule {
    return {
      module: ${s.className}Module,
      imports: [PlatformModule.forService({ service: '${s.name}', logLevel: config.LOG_LEVEL })],
      controllers: [${s.className}Handlers],
      providers: [{ provide: EVENT_LOG_LEVEL, useValue: config.EVENT_LOG_LEVEL }],
    };
  }
}
`;
}
