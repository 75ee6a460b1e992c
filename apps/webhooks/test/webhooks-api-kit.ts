/**
 * Shared set-up of the endpoints API's integration tests: a migrated throw-away schema on the
 * real PostgreSQL, a catalog (the repository's plus `legacy.item.changed`, whose v1 cannot read
 * its later versions), a small fake destination policy, and the EndpointsApiModule in an
 * in-process Fastify app driven with inject().
 */
import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { sql } from 'kysely';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DATABASE, migrateSchema } from '@app/persistence';
import { createFastifyAdapter, PlatformModule } from '@app/platform';
import { loadCatalog } from '@app/schema';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@app/testing';
import { EndpointsApiModule, type EndpointsApiConfig } from '../src/api/endpoints-api.module';
import { WEBHOOKS_HTTP_OPTIONS } from '../src/api/webhooks-exception.filter';
import type { Endpoint } from '../src/domain/endpoint';
import type { DestinationPolicy } from '../src/domain/ports';
import { WEBHOOKS_MIGRATIONS } from '../src/storage/webhooks-migrations';

export { endpointBody, PUBLIC_URL } from '@app/testing';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** Two keys: `k2` seals, `k1` (an older key) still opens. */
export const ENCRYPTION_KEYS = [
  { id: 'k2', key: Buffer.alloc(32, 2) },
  { id: 'k1', key: Buffer.alloc(32, 1) },
];

const LEGACY_SCHEMA = (version: number, fields: object[]) => ({
  type: 'record',
  name: 'ItemChanged',
  namespace: 'herald.legacy',
  doc: `Test type, version ${version}.`,
  fields: [
    { name: 'item_id', type: 'string', doc: 'Item (key).' },
    { name: 'shop_id', type: 'string', doc: 'Shop (tenant).' },
    ...fields,
  ],
});

/**
 * The repository's catalog plus `legacy.item.changed` (compatibility BACKWARD): v1 has `colour`
 * without a default and v2 dropped it, so v1 cannot read v2 or v3; v2 reads v3.
 */
export async function writeTestCatalog(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'herald-webhooks-catalog-'));
  await cp(join(__dirname, '..', '..', '..', 'schemas'), root, { recursive: true });
  const folder = join(root, 'legacy', 'legacy.item.changed');
  await mkdir(folder, { recursive: true });
  await writeFile(
    join(folder, 'event.yaml'),
    'description: A test type whose v1 cannot read later versions.\nowner: test-team\n' +
      'compatibility: BACKWARD\nkey: item_id\ntenant: shop_id\n',
  );
  const colour = { name: 'colour', type: 'string', doc: 'Colour.' };
  const size = { name: 'size', type: ['null', 'string'], default: null, doc: 'Size.' };
  const schemas = [LEGACY_SCHEMA(1, [colour]), LEGACY_SCHEMA(2, []), LEGACY_SCHEMA(3, [size])];
  for (const [i, schema] of schemas.entries()) {
    await writeFile(join(folder, `v${i + 1}.avsc`), JSON.stringify(schema, null, 2));
  }
  return root;
}

/**
 * Stands in for the SSRF policy of apps/webhooks/src/http: refuses `localhost`, `*.internal`,
 * private, loopback and link-local IPv4 literals and IPv6 literals outside 2000::/3.
 */
export class FakeDestinationPolicy implements DestinationPolicy {
  readonly checked: string[] = [];

  async refusal(url: string): Promise<string | undefined> {
    this.checked.push(url);
    const host = new URL(url).hostname;
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) {
      return `${host} is not a public host`;
    }
    if (host.startsWith('[')) return host.startsWith('[2') ? undefined : `${host} is not a public address`;
    const octets = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
    if (octets === null) return undefined;
    const [a, b] = [Number(octets[1]), Number(octets[2])];
    const internal =
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168);
    return internal ? `${host} is not a public address` : undefined;
  }
}

export interface EndpointView extends Endpoint {
  /** In the create answer only. */
  readonly secret?: string;
}

export interface ProblemView {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors: ReadonlyArray<{ readonly path: string; readonly message: string }>;
}

export interface PageView {
  readonly items: EndpointView[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
}

export interface RotatedView {
  readonly secret: string;
  readonly previousSecretExpiresAt: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly text: string;
  /** The body parsed (undefined when it is not JSON). */
  readonly body: unknown;
  endpoint(): EndpointView;
  problem(): ProblemView;
  page(): PageView;
  rotated(): RotatedView;
}

export interface RequestOptions {
  /** An object is sent as JSON; a string, Buffer or stream as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The bearer token; null sends no Authorization header. */
  readonly token?: string | null;
}

export interface EndpointsApi {
  readonly app: NestFastifyApplication;
  readonly schema: TestSchema<unknown>;
  readonly policy: FakeDestinationPolicy;
  readonly config: EndpointsApiConfig;
  request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    options?: RequestOptions,
  ): Promise<Answer>;
  /** Rows of endpoints and endpoint_secrets. */
  counts(): Promise<{ endpoints: number; secrets: number }>;
  close(): Promise<void>;
}

@Module({})
class TestDatabaseModule {}

export interface StartOptions {
  readonly directoryRefreshMs?: number;
  readonly secretOverlapMs?: number;
}

export async function startEndpointsApi(options: StartOptions = {}): Promise<EndpointsApi> {
  const schema = await createTestSchema('webhooks_api');
  await migrateSchema(schema.db, schema.schema, WEBHOOKS_MIGRATIONS);
  const catalogRoot = await writeTestCatalog();
  const catalog = await loadCatalog(catalogRoot);
  const policy = new FakeDestinationPolicy();
  const config: EndpointsApiConfig = {
    DATABASE_URL: testDatabaseUrl(),
    SCHEMAS_DIR: catalogRoot,
    WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN,
    WEBHOOKS_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
    WEBHOOKS_SECRET_OVERLAP_MS: options.secretOverlapMs ?? 86_400_000,
  };
  const database: DynamicModule = {
    module: TestDatabaseModule,
    providers: [{ provide: DATABASE, useValue: schema.db }],
    exports: [DATABASE],
  };
  const moduleRef = await Test.createTestingModule({
    imports: [
      PlatformModule.forService({ service: 'webhooks', logLevel: 'silent' }),
      EndpointsApiModule.register({
        config,
        database,
        destinationPolicy: policy,
        catalog,
        ...(options.directoryRefreshMs !== undefined && { directoryRefreshMs: options.directoryRefreshMs }),
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(WEBHOOKS_HTTP_OPTIONS),
    { logger: false },
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();

  const request: EndpointsApi['request'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
    if (token !== null) headers['authorization'] ??= `Bearer ${token}`;
    let payload: string | Buffer | Readable | undefined;
    if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body) || opts.body instanceof Readable) {
      payload = opts.body;
    } else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await app
      .getHttpAdapter()
      .getInstance()
      .inject({ method, url, headers, ...(payload !== undefined && { payload }) });
    let body: unknown;
    try {
      body = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    const as = <T>() => body as T;
    return {
      status: response.statusCode,
      headers: response.headers,
      text: response.body,
      body,
      endpoint: as<EndpointView>,
      problem: as<ProblemView>,
      page: as<PageView>,
      rotated: as<RotatedView>,
    };
  };

  const counts = async () => {
    const { rows } = await sql<{ endpoints: string; secrets: string }>`
      SELECT (SELECT count(*) FROM endpoints) AS endpoints,
             (SELECT count(*) FROM endpoint_secrets) AS secrets`.execute(schema.db);
    return { endpoints: Number(rows[0]?.endpoints), secrets: Number(rows[0]?.secrets) };
  };

  return {
    app,
    schema,
    policy,
    config,
    request,
    counts,
    close: async () => {
      await app.close();
      await schema.drop();
      await rm(catalogRoot, { recursive: true, force: true });
    },
  };
}
