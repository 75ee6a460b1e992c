/**
 * Boots a Herald HTTP app the same way everywhere: Fastify adapter, pino logger, OpenAPI at
 * /docs (JSON at /docs-json), request metrics, graceful shutdown on SIGTERM/SIGINT, and a
 * config validated before anything connects.
 */
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { z } from 'zod';
import { ConfigError, loadConfig, type Env } from './config';
import { MetricsService } from './metrics';

/** Probes and scrapes are polled constantly; logging each would drown the useful lines. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

export interface AppDocs {
  readonly name: string;
  readonly title: string;
  readonly description: string;
}

export interface ServiceSpec<S extends z.ZodType> extends AppDocs {
  readonly configSchema: S;
  module(config: z.output<S>): DynamicModule;
  port(config: z.output<S>): number;
  host(config: z.output<S>): string;
}

export async function createHttpApp(module: DynamicModule, docs: AppDocs): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const metrics = app.get(MetricsService);
  const logger = app.get(Logger);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.httpRequestDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      if (QUIET_ROUTES.has(route)) return;
      const line = {
        req: { method: request.method, url: request.url, id: request.id },
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
      };
      if (reply.statusCode >= 500) logger.error({ ...line, msg: 'request failed' }, 'http');
      else logger.log({ ...line, msg: 'request completed' }, 'http');
    });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(docs.title).setDescription(docs.description).setVersion('1').build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  return app;
}

/** The `main()` of every HTTP app: exits 1 with a readable message when config or boot fails. */
export async function runService<S extends z.ZodType>(spec: ServiceSpec<S>, env: Env): Promise<void> {
  let config: z.output<S>;
  try {
    config = loadConfig(spec.configSchema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${spec.name}: ${error.message}\n`);
    process.exit(1);
  }
  try {
    const app = await createHttpApp(spec.module(config), spec);
    await app.listen(spec.port(config), spec.host(config));
    app.get(Logger).log(`${spec.name} listening on ${await app.getUrl()}`);
  } catch (error) {
    process.stderr.write(
      `${spec.name}: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
