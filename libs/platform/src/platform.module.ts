/**
 * What every Herald HTTP app shares: structured JSON logs (pino), health probes and Prometheus
 * metrics. Global, so feature modules can register readiness checks without importing it.
 */
import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { HealthController, HealthRegistry } from './health';
import { MetricsController, MetricsService } from './metrics';
import { TracingShutdown } from './tracing';

export interface PlatformOptions {
  /** Service name: the `service` field of every log line and the default metrics label. */
  readonly service: string;
  readonly logLevel: string;
}

/** Log fields holding credentials (pino redact paths): headers, passwords, tokens, SASL settings. */
export const LOG_REDACTIONS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  '*.password',
  '*.*.password',
  'sasl',
  '*.sasl',
  'token',
  '*.token',
  'KAFKA_SASL_PASSWORD',
  '*.KAFKA_SASL_PASSWORD',
  'SCHEMA_REGISTRY_BASIC_AUTH',
  '*.SCHEMA_REGISTRY_BASIC_AUTH',
  'SCHEMA_REGISTRY_TOKEN',
  '*.SCHEMA_REGISTRY_TOKEN',
];

@Global()
@Module({})
export class PlatformModule {
  static forService(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({
          // No pino-http middleware: on Fastify it runs through middie and more than halved
          // throughput (measured with bench/registry.bench.ts). Requests are logged by a cheap
          // Fastify onResponse hook instead (see bootstrap.ts).
          forRoutes: [],
          pinoHttp: {
            level: options.logLevel,
            base: { service: options.service },
            // Credentials never reach a log line, whatever object a log call is given.
            redact: { paths: [...LOG_REDACTIONS], censor: '[redacted]' },
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        HealthRegistry,
        { provide: MetricsService, useValue: new MetricsService(options.service) },
        TracingShutdown,
      ],
      exports: [HealthRegistry, MetricsService],
    };
  }
}
