/**
 * Every app started as a user starts it (`node dist/apps/<app>/src/main.js`), on a free port,
 * against the real Kafka and a throw-away database: health, readiness, metrics and docs
 * answer; a bad variable stops the boot with a message naming it; readiness says which
 * dependency is down. Each app gets consumer groups of its own: the broker may be shared with a
 * running platform, and the global setup makes an app in a production group refuse to boot.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '@app/config';
import {
  databaseUrlFor,
  dropTestDatabase,
  freePort,
  openApiProblems,
  testBrokers,
  uniqueIdentifier,
  uniqueName,
  waitFor,
} from '@app/testing';

jest.setTimeout(120_000);

const ROOT = projectRoot();
const AUDIT_GROUP = uniqueName('audit-e2e');
const WEBHOOKS_GROUP = uniqueName('webhooks-e2e');
const ANALYTICS_GROUP = uniqueName('analytics-e2e');
/** What the webhooks app cannot start without (npm run up generates them). */
const WEBHOOKS_SECRETS = {
  WEBHOOKS_ADMIN_TOKEN: 'e2e-admin-token-0123456789abcdef',
  WEBHOOKS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
};
const APPS = [
  { name: 'gateway', portVar: 'GATEWAY_PORT', deps: ['kafka', 'postgres'], schemes: ['bearer'], env: {} },
  {
    name: 'schema-registry',
    portVar: 'REGISTRY_PORT',
    deps: ['kafka', 'leader-election', 'schema-log'],
    schemes: ['basic', 'bearer'],
    env: { REGISTRY_TOPIC: uniqueName('_schemas-e2e') },
  },
  {
    name: 'webhooks',
    portVar: 'WEBHOOKS_PORT',
    schemes: ['bearer'],
    deps: [
      'delivery-worker',
      'endpoint-directory',
      'job-runner',
      'kafka',
      `kafka-consumer:${WEBHOOKS_GROUP}`,
      'postgres',
    ],
    env: {
      ...WEBHOOKS_SECRETS,
      WEBHOOKS_GROUP_ID: WEBHOOKS_GROUP,
      WEBHOOKS_TOPIC_PATTERN: `^webhooks\\.${uniqueIdentifier('none')}\\.recorded$`,
    },
  },
  {
    name: 'analytics',
    portVar: 'ANALYTICS_PORT',
    schemes: [],
    deps: ['kafka', `kafka-consumer:${ANALYTICS_GROUP}`, 'postgres'],
    env: {
      ANALYTICS_GROUP_ID: ANALYTICS_GROUP,
      ANALYTICS_TOPIC_PATTERN: `^analytics\\.${uniqueIdentifier('none')}\\.recorded$`,
      // No declared metrics: the shipped file is checked against the registry's catalog, which
      // this boot test does not push (herald up does, before it starts analytics).
      ANALYTICS_METRICS_FILE: '',
    },
  },
  {
    name: 'audit',
    portVar: 'AUDIT_PORT',
    schemes: [],
    deps: ['kafka', `kafka-consumer:${AUDIT_GROUP}`, 'postgres'],
    env: {
      AUDIT_GROUP_ID: AUDIT_GROUP,
      // A new group would read every event topic of the shared broker from its start (other
      // tests' and benchmarks' events, in schemas this run's registry does not know); booting
      // is what is under test here, so it reads a topic that does not exist.
      AUDIT_TOPIC_PATTERN: `^audit\\.${uniqueIdentifier('none')}\\.recorded$`,
    },
  },
] as const;

function startApp(app: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('apps booted as a user boots them', () => {
  const database = uniqueIdentifier('herald_e2e');
  const running: ChildProcess[] = [];
  // The consumer apps list the registry's subjects before they subscribe, so they boot against the
  // registry this file started (APPS starts it before them).
  let registryUrl: string | undefined;

  afterAll(async () => {
    await Promise.all(running.map(stop));
    await dropTestDatabase(database);
  });

  it.each(APPS)(
    '$name serves health, readiness, metrics and OpenAPI docs',
    async ({ name, portVar, deps, schemes, env }) => {
      const port = await freePort();
      const child = startApp(name, {
        ...env,
        [portVar]: String(port),
        KAFKA_BROKERS: testBrokers().join(','),
        DATABASE_URL: databaseUrlFor(database),
        ...(registryUrl === undefined ? {} : { SCHEMA_REGISTRY_URL: registryUrl }),
      });
      running.push(child);
      const base = `http://127.0.0.1:${port}`;
      if (name === 'schema-registry') registryUrl = base;
      const ready = await waitFor(
        async () => {
          const response = await fetch(`${base}/health/ready`);
          return response.status === 200
            ? ((await response.json()) as { checks: Record<string, unknown> })
            : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250, description: `${name} to become ready` },
      );
      expect(Object.keys(ready.checks).sort()).toEqual([...deps].sort());
      expect(Object.values(ready.checks).every((c) => (c as { status: string }).status === 'up')).toBe(true);

      await expect(fetch(`${base}/health/live`).then((r) => r.json())).resolves.toEqual({ status: 'ok' });

      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      const text = await metrics.text();
      expect(text).toContain(
        `herald_http_request_duration_seconds_count{service="${name}",method="GET",route="/health/ready",status_code="200"}`,
      );
      // prom-client's standard process metrics keep their stock names, so stock dashboards match.
      expect(text).toMatch(new RegExp(`^process_resident_memory_bytes\\{service="${name}"\\} \\d`, 'm'));
      expect(text).not.toContain('herald_process_');

      const docs = await fetch(`${base}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('swagger');
      const openapi = (await fetch(`${base}/docs-json`).then((r) => r.json())) as {
        openapi: string;
        paths: Record<string, unknown>;
        components?: { securitySchemes?: Record<string, unknown> };
      };
      expect(openapi.openapi).toMatch(/^3\./);
      expect(Object.keys(openapi.paths)).toEqual(
        expect.arrayContaining(['/health/live', '/health/ready', '/metrics']),
      );
      // Valid by the OpenAPI specification, and every credential a route asks for is declared, so
      // Swagger UI offers Authorize and "Try it out" sends it.
      await expect(openApiProblems(openapi)).resolves.toEqual([]);
      expect(Object.keys(openapi.components?.securitySchemes ?? {}).sort()).toEqual(schemes);
    },
  );

  it('the Postgres-backed apps each created their own schema in the database', async () => {
    const client = new Client({ connectionString: databaseUrlFor(database) });
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname IN ('gateway','webhooks','analytics','audit') ORDER BY nspname",
    );
    await client.end();
    expect(rows.map((r) => r.nspname)).toEqual(['analytics', 'audit', 'gateway', 'webhooks']);
  });

  it('refuses to boot with a bad variable and names it', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js')], {
      env: { ...process.env, GATEWAY_PORT: 'eighty', KAFKA_BROKERS: 'nohostport' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('gateway: Invalid configuration');
    expect(result.stderr).toContain('GATEWAY_PORT: must be a TCP port number (1-65535) (got "eighty")');
    expect(result.stderr).toContain(
      'KAFKA_BROKERS: must be a comma-separated list of host:port, got "nohostport"',
    );
  });

  it('schema-registry bound beyond loopback refuses to start without write auth, naming the variables', () => {
    const { REGISTRY_WRITE_TOKEN: _token, REGISTRY_BASIC_AUTH: _basic, ...env } = process.env;
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'dist', 'apps', 'schema-registry', 'src', 'main.js')],
      {
        env: {
          ...env,
          HOST: '0.0.0.0',
          REGISTRY_TOPIC: uniqueName('_schemas-e2e'),
          KAFKA_BROKERS: testBrokers().join(','),
        },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('schema-registry: Invalid configuration');
    expect(result.stderr).toContain('REGISTRY_WRITE_AUTH: HOST is 0.0.0.0, reachable beyond this machine');
    expect(result.stderr).toContain('REGISTRY_WRITE_TOKEN');
    expect(result.stderr).toContain('REGISTRY_BASIC_AUTH');
    expect(result.stderr).toContain('REGISTRY_WRITE_AUTH=none');
  });

  it.each([
    { name: 'audit', variable: 'AUDIT_GROUP_ID', fallback: 'audit', extra: {} },
    { name: 'schema-registry', variable: 'REGISTRY_TOPIC', fallback: '_schemas', extra: {} },
    { name: 'webhooks', variable: 'WEBHOOKS_GROUP_ID', fallback: 'webhooks', extra: WEBHOOKS_SECRETS },
    { name: 'analytics', variable: 'ANALYTICS_GROUP_ID', fallback: 'analytics', extra: {} },
  ])(
    '$name refuses its production group in a test run and names $variable',
    ({ name, variable, fallback, extra }) => {
      // The global setup set HERALD_REFUSE_DEFAULT_GROUPS; the app inherits it as any spawned app does.
      const { [variable]: _unset, ...env } = process.env;
      const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
        env: { ...env, ...extra, KAFKA_BROKERS: testBrokers().join(',') },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`${name}: Invalid configuration`);
      expect(result.stderr).toContain(`${variable}: is "${fallback}"`);
      expect(result.stderr).toContain('HERALD_REFUSE_DEFAULT_GROUPS is set');
    },
  );

  it('answers 503 on /health/ready and names Kafka when the broker is unreachable', async () => {
    const port = await freePort();
    const deadKafka = await freePort();
    const child = startApp('schema-registry', {
      REGISTRY_PORT: String(port),
      REGISTRY_TOPIC: uniqueName('_schemas-e2e'),
      KAFKA_BROKERS: `127.0.0.1:${deadKafka}`,
    });
    running.push(child);
    const response = await waitFor(
      () => fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined),
      { timeoutMs: 30_000, intervalMs: 250, description: 'schema-registry to serve HTTP' },
    );
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      status: string;
      checks: { kafka: { status: string; error: string } };
    };
    expect(body.status).toBe('unavailable');
    expect(body.checks.kafka.status).toBe('down');
    expect(body.checks.kafka.error).toMatch(/ECONNREFUSED|Connection error/);
  });
});
