/**
 * Boots a Herald HTTP app the same way everywhere: Fastify adapter, pino logger, OpenAPI at
 * /docs (JSON at /docs-json), request metrics, graceful shutdown on SIGTERM/SIGINT, optional
 * OpenTelemetry tracing (tracing.ts), and a config validated before anything connects.
 */
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type SecuritySchemeObject,
} from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import cluster from 'node:cluster';
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ConfigError, loadConfig, type Env } from '@app/config';
import { isClusterWorker, joinCluster, prepareClusterWorker, superviseWorkers } from './cluster';
import { MetricsService } from './metrics';
import { startTracing } from './tracing';

/** Probes and scrapes are polled constantly; logging each would drown the useful lines. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

export interface AppDocs {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /**
   * The credentials the app's routes take, by the name their `@ApiBearerAuth()`-style decorators
   * use (`bearer`, `basic` by default): declared in `components.securitySchemes`, so Swagger UI
   * offers Authorize and "Try it out" sends them.
   */
  readonly securitySchemes?: Readonly<Record<string, SecuritySchemeObject>>;
}

export interface ServiceSpec<S extends z.ZodType> extends AppDocs {
  readonly configSchema: S;
  module(config: z.output<S>): DynamicModule;
  port(config: z.output<S>): number;
  host(config: z.output<S>): string;
  /** Router limits and the body of errors the router answers itself; see HttpAppOptions. */
  readonly http?: HttpAppOptions;
  /** Several worker processes on one port (see cluster.ts); without it, one process. */
  readonly cluster?: {
    workers(config: z.output<S>): number;
    /** Runs in the primary before the workers start (state the workers share through it). */
    primary?(config: z.output<S>): void;
  };
}

/*
 * Errors that Fastify's router answers itself, before any Nest route, guard, pipe or exception
 * filter runs: a path that is not valid percent-encoded UTF-8 (400) and a path parameter longer
 * than the router's limit (414). Without a `frameworkErrors` hook Fastify writes its own body,
 * which matches no Herald contract; the hook gives them the body the app chooses (Confluent's
 * for the registry, RFC 9457 problem+json by default).
 */
export type RouterErrorKind = 'BAD_URL_ENCODING' | 'PATH_PARAMETER_TOO_LONG' | 'ROUTING_FAILED';

/** A request the router refused; `detail` is a sentence for the caller. */
export interface RouterError {
  readonly kind: RouterErrorKind;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
}

export interface HttpErrorBody {
  readonly contentType: string;
  readonly body: unknown;
}

export interface HttpAppOptions {
  /** The longest path parameter the router accepts (Fastify's default is 100 characters). */
  readonly maxParamLength?: number;
  /** The body of a router error; without it, RFC 9457 problem+json. */
  readonly routerErrorBody?: (error: RouterError) => HttpErrorBody;
}

export const PROBLEM_JSON = 'application/problem+json';

/** RFC 9457 problem details, the error format of every Herald app without its own contract. */
export function problemJsonBody(error: RouterError): HttpErrorBody {
  return {
    contentType: PROBLEM_JSON,
    body: { type: 'about:blank', title: error.title, status: error.status, detail: error.detail },
  };
}

/** Fastify's framework errors carry a code; anything else (async constraints) is the server's fault. */
export function routerErrorOf(error: { code?: unknown; message: string }): RouterError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return {
        kind: 'BAD_URL_ENCODING',
        status: 400,
        title: 'Bad Request',
        detail: `the URL path is not valid percent-encoded UTF-8: ${error.message}`,
      };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        kind: 'PATH_PARAMETER_TOO_LONG',
        status: 414,
        title: 'URI Too Long',
        detail: `a path parameter is longer than this server accepts: ${error.message}`,
      };
    default:
      return { kind: 'ROUTING_FAILED', status: 500, title: 'Internal Server Error', detail: error.message };
  }
}

/** The Fastify adapter every Herald app (and its in-process tests) is built on. */
export function createFastifyAdapter(options: HttpAppOptions = {}): FastifyAdapter {
  const shape = options.routerErrorBody ?? problemJsonBody;
  // Answered on the raw response, as Fastify's own default does: no route matched, so no
  // route-typed reply, serializer or hook applies.
  const onRouterError = (
    error: Error & { code?: unknown },
    _request: unknown,
    reply: { raw: ServerResponse },
  ) => {
    const routerError = routerErrorOf(error);
    const { contentType, body } = shape(routerError);
    const text = JSON.stringify(body);
    reply.raw.writeHead(routerError.status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
    });
    reply.raw.end(text);
  };
  return new FastifyAdapter({
    routerOptions: options.maxParamLength === undefined ? {} : { maxParamLength: options.maxParamLength },
    frameworkErrors: onRouterError,
  });
}

export async function createHttpApp(
  module: DynamicModule,
  docs: AppDocs,
  http: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, createFastifyAdapter(http), {
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
  SwaggerModule.setup('docs', app, openApiDocument(app, docs), { jsonDocumentUrl: 'docs-json' });
  await app.init();
  return app;
}

/** The OpenAPI document an app serves at /docs-json (tests build it without serving Swagger UI). */
export function openApiDocument(app: INestApplication, docs: AppDocs): OpenAPIObject {
  const builder = new DocumentBuilder().setTitle(docs.title).setDescription(docs.description).setVersion('1');
  for (const [name, scheme] of Object.entries(docs.securitySchemes ?? {})) builder.addSecurity(name, scheme);
  return SwaggerModule.createDocument(app, builder.build());
}

/** The `main()` of every HTTP app: exits 1 with a readable message when config or boot fails. */
export async function runService<S extends z.ZodType>(spec: ServiceSpec<S>, env: Env): Promise<void> {
  let config: z.output<S>;
  try {
    config = loadConfig(spec.configSchema, env);
    startTracing(spec.name, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${spec.name}: ${error.message}\n`);
    process.exit(1);
  }
  const workers = spec.cluster?.workers(config) ?? 1;
  if (workers > 1 && cluster.isPrimary) {
    spec.cluster?.primary?.(config);
    superviseWorkers({ name: spec.name, workers, logLevel: env['LOG_LEVEL'] ?? 'info' });
    return;
  }
  const worker = isClusterWorker();
  if (worker) prepareClusterWorker();
  try {
    const app = await createHttpApp(spec.module(config), spec, spec.http);
    await app.listen(spec.port(config), spec.host(config));
    if (worker) joinCluster(app.get(MetricsService).registry);
    app.get(Logger).log(`${spec.name} listening on ${await app.getUrl()}`);
  } catch (error) {
    process.stderr.write(
      `${spec.name}: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
