/**
 * Boots the real SchemaRegistryModule in-process on Fastify, with the `_schemas` log bound to
 * an in-memory log, and drives it through Fastify's `inject` (no port). Overrides replace only
 * the outside systems: the log, the leader election, the leadership port and the HTTP client
 * used for forwarding; nothing touches Kafka.
 */
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyAdapter, loadConfig, type Env } from '@app/platform';
import { uniqueName } from '@app/testing';
import { LEADER_FETCH, REGISTRY_CONTENT_TYPE, REGISTRY_HTTP_OPTIONS, type LeaderFetch } from '../api';
import { schemaRegistryConfigSchema } from '../config';
import {
  REGISTRY_LEADERSHIP,
  SCHEMA_LOG,
  SingleInstanceLeadership,
  type RegistryLeadership,
} from '../registry';
import { SchemaRegistryModule } from '../schema-registry.module';
import { InMemorySchemaLog } from '../storage/in-memory-schema-log';
import { RegistryLeaderElection } from '../storage/registry-leader-election';
import type { SchemaLog } from '../registry/schema-log.port';

export interface TestAppOptions {
  readonly env?: Env;
  readonly log?: InMemorySchemaLog;
  /** Binds this instead of the in-memory log (which it may delegate to), e.g. to inject failures. */
  readonly wrapLog?: (log: InMemorySchemaLog) => SchemaLog;
  readonly leadership?: RegistryLeadership;
  readonly fetch?: LeaderFetch;
}

export interface TestResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly headers: Readonly<Record<string, unknown>>;
  /** Parsed JSON when the body is JSON, the raw text otherwise. */
  readonly body: unknown;
  readonly text: string;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is instead of JSON-encoding `body`. */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RegistryTestApp {
  readonly app: NestFastifyApplication;
  readonly log: InMemorySchemaLog;
  request(method: string, url: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The election as the app's lifecycle sees it, without Kafka: this instance leads. The real one
 * would join `<REGISTRY_TOPIC>-leader-election` on whatever broker answers at 127.0.0.1:9092.
 */
const soloElection: Pick<RegistryLeaderElection, 'start' | 'stop' | 'isLeader' | 'leaderUrl' | 'onChange'> = {
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  isLeader: () => true,
  leaderUrl: () => undefined,
  onChange: () => () => undefined,
};

export async function startRegistryApp(options: TestAppOptions = {}): Promise<RegistryTestApp> {
  const config = loadConfig(schemaRegistryConfigSchema, {
    LOG_LEVEL: 'silent',
    REGISTRY_TOPIC: uniqueName('_schemas-http'),
    ...options.env,
  });
  const log = options.log ?? new InMemorySchemaLog();
  const moduleRef = await Test.createTestingModule({ imports: [SchemaRegistryModule.register(config)] })
    .overrideProvider(RegistryLeaderElection)
    .useValue(soloElection)
    .overrideProvider(SCHEMA_LOG)
    .useValue(options.wrapLog ? options.wrapLog(log) : log)
    .overrideProvider(REGISTRY_LEADERSHIP)
    .useValue(options.leadership ?? new SingleInstanceLeadership())
    .overrideProvider(LEADER_FETCH)
    .useValue(options.fetch ?? (() => Promise.reject(new Error('no leader in this test'))))
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(REGISTRY_HTTP_OPTIONS),
    {
      logger: false,
    },
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    log,
    async request(method, url, { body, rawBody, headers = {} } = {}) {
      const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
      const response = await app.inject({
        method: method as 'GET',
        url,
        payload,
        headers: payload === undefined ? headers : { 'content-type': REGISTRY_CONTENT_TYPE, ...headers },
      });
      const contentType = response.headers['content-type'];
      return {
        status: response.statusCode,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        headers: response.headers,
        body: parsed(response.body),
        text: response.body,
      };
    },
    close: () => app.close(),
  };
}
