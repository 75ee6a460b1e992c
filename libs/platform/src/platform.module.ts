/**
 * What every Herald HTTP app shares: structured JSON logs (pino), health probes and Prometheus
 * metrics. Global, so feature modules can register readiness checks without importing it.
 */
import type { IncomingMessage } from 'node:http';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { HealthController, HealthRegistry } from './health';
import { MetricsController, MetricsService } from './metrics';

export interface PlatformOptions {
  /** Service name: the `service` field of every log line and the default metrics label. */
  readonly service: string;
  readonly logLevel: string;
}

/** Fastify's middleware layer (middie) strips the mount prefix from `url`; `originalUrl` keeps it. */
function requestPath(req: IncomingMessage & { originalUrl?: string }): string {
  return (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
}

/** Probes and scrapes are polled constantly; logging each would drown the useful lines. */
const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

@Global()
@Module({})
export class PlatformModule {
  static forService(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.logLevel,
            base: { service: options.service },
            autoLogging: { ignore: (req) => QUIET_PATHS.includes(requestPath(req)) },
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [HealthRegistry, { provide: MetricsService, useValue: new MetricsService(options.service) }],
      exports: [HealthRegistry, MetricsService],
    };
  }
}
