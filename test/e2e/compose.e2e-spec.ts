/**
 * docker-compose.yml and the Dockerfile cannot drift from the apps: no Docker engine runs here, so
 * Debian's docker-compose resolves the file (`config`: merges, interpolation, its compose schema)
 * and every service is checked against what it runs — the app's own configuration schema (every
 * variable known to it and valid for it, the port it listens on), its health path, the entry
 * point the image holds, and the start order the apps need.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { projectRoot } from '@app/config';

const ROOT = projectRoot();
const SECRETS = {
  REGISTRY_WRITE_TOKEN: 'compose-test-registry-token',
  WEBHOOKS_ADMIN_TOKEN: 'compose-test-admin-token-0123456789',
  WEBHOOKS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 5).toString('base64')}`,
};

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: Array<{ published: number; target: number }>;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
}

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * An app's configuration schema from the build the image holds (`dist/apps/<app>/src/<file>.js`;
 * a test does not import an app's source, and the e2e tier runs after `npm run build`).
 */
async function builtSchema(app: string, file: string, name: string): Promise<ObjectSchema> {
  const module = (await import(join(ROOT, 'dist', 'apps', app, 'src', `${file}.js`))) as Record<
    string,
    unknown
  >;
  const schema = module[name] as ObjectSchema | undefined;
  if (schema?.shape === undefined)
    throw new Error(`dist/apps/${app}/src/${file}.js exports no schema ${name}`);
  return schema;
}

const APPS = [
  { service: 'schema-registry', exported: 'schemaRegistryConfigSchema', portVar: 'REGISTRY_PORT' },
  { service: 'gateway', exported: 'gatewayConfigSchema', portVar: 'GATEWAY_PORT' },
  { service: 'webhooks', exported: 'webhooksConfigSchema', portVar: 'WEBHOOKS_PORT' },
  { service: 'analytics', exported: 'analyticsConfigSchema', portVar: 'ANALYTICS_PORT' },
  { service: 'audit', exported: 'auditConfigSchema', portVar: 'AUDIT_PORT' },
] as const;

/** `docker-compose config` with exactly `env` (and an empty env file, so a developer's .env is not read). */
function composeConfig(env: Record<string, string>): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'herald-compose-'));
  const envFile = join(dir, 'empty.env');
  writeFileSync(envFile, '');
  const result = spawnSync(
    'docker-compose',
    ['--env-file', envFile, '-f', join(ROOT, 'docker-compose.yml'), 'config'],
    { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.error !== undefined) {
    throw new Error(
      `docker-compose could not run (${result.error.message}): install Debian's docker-compose (apt-get install docker-compose); .ci/run does`,
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('docker-compose.yml (resolved by docker-compose config)', () => {
  let services: Record<string, Service>;

  beforeAll(() => {
    const resolved = composeConfig(SECRETS);
    expect([resolved.status, resolved.stderr]).toEqual([0, '']);
    services = (parse(resolved.stdout) as { services: Record<string, Service> }).services;
  });

  it('refuses to resolve without the secrets and names the variable', () => {
    for (const missing of Object.keys(SECRETS)) {
      const { [missing]: _left, ...rest } = SECRETS as Record<string, string>;
      const resolved = composeConfig(rest);
      expect(resolved.status).not.toBe(0);
      expect(resolved.stderr).toContain(`set ${missing} (see the top of docker-compose.yml)`);
    }
  });

  it('runs Kafka (the official image, KRaft) and PostgreSQL with health checks', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'analytics',
        'audit',
        'gateway',
        'kafka',
        'postgres',
        'schema-registry',
        'schemas-push',
        'webhooks',
      ].sort(),
    );
    expect(services['kafka']?.image).toMatch(/^apache\/kafka:\d/);
    expect(services['kafka']?.environment?.['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(services['kafka']?.healthcheck?.test.length).toBeGreaterThan(0);
    expect(services['postgres']?.image).toMatch(/^postgres:\d/);
    expect(services['postgres']?.healthcheck?.test).toContain('pg_isready');
  });

  it.each(APPS)(
    '$service runs its built entry point with variables its configuration knows and accepts',
    async ({ service, exported, portVar }) => {
      const schema = await builtSchema(service, 'config', exported);
      const spec = services[service] as Service;
      const main = `dist/apps/${service}/src/main.js`;
      expect(spec.command).toEqual(['node', main]);
      expect(existsSync(join(ROOT, main))).toBe(true);

      const environment = spec.environment ?? {};
      const known = new Set(Object.keys(schema.shape));
      expect(Object.keys(environment).filter((name) => !known.has(name))).toEqual([]);
      const parsed = schema.safeParse(environment);
      expect(
        parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      ).toEqual([]);
      expect(environment['HOST']).toBe('0.0.0.0');

      // The port it listens on (its default: compose does not set it) is the one published and probed.
      const port = (parsed.data as Record<string, unknown>)[portVar];
      expect(spec.ports).toEqual([{ published: port, target: port }]);
      expect(spec.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${String(port)}/health/ready`);
    },
  );

  it('starts in order: Kafka and PostgreSQL healthy, the registry healthy, the schemas pushed, then the apps', () => {
    const conditions = (service: string) =>
      Object.fromEntries(
        Object.entries(services[service]?.depends_on ?? {}).map(([name, d]) => [name, d.condition]),
      );
    expect(conditions('schema-registry')).toEqual({ kafka: 'service_healthy' });
    expect(conditions('schemas-push')).toEqual({
      kafka: 'service_healthy',
      'schema-registry': 'service_healthy',
    });
    for (const app of ['gateway', 'webhooks', 'analytics', 'audit']) {
      expect(conditions(app)).toEqual({
        kafka: 'service_healthy',
        postgres: 'service_healthy',
        'schemas-push': 'service_completed_successfully',
      });
    }
    expect(services['schemas-push']?.restart).toBe('on-failure');
  });

  it('pushes the schema tree with the CLI, with variables the CLI knows', async () => {
    const cliConfigSchema = await builtSchema('cli', 'cli-config', 'cliConfigSchema');
    const spec = services['schemas-push'] as Service;
    expect(spec.command).toEqual(['node', 'bin/herald.js', 'schemas', 'push', '--dir', 'schemas']);
    expect(existsSync(join(ROOT, 'bin', 'herald.js'))).toBe(true);
    expect(existsSync(join(ROOT, 'schemas'))).toBe(true);
    // REGISTRY_WRITE_TOKEN is read by the push itself (docs/schema-push.md), the rest by the CLI's configuration.
    const known = new Set([...Object.keys(cliConfigSchema.shape), 'REGISTRY_WRITE_TOKEN']);
    const environment = spec.environment ?? {};
    expect(Object.keys(environment).filter((name) => !known.has(name))).toEqual([]);
    expect(environment['REGISTRY_WRITE_TOKEN']).toBe(SECRETS.REGISTRY_WRITE_TOKEN);
    expect(environment['SCHEMA_REGISTRY_URL']).toBe('http://schema-registry:8081');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds in one stage and runs Node 24 without dev dependencies, as a non-root user, in another', () => {
    expect(stages).toHaveLength(2);
    const [build, runtime] = stages as [string, string];
    expect(build).toMatch(/^node:24[-\w.]* AS build/);
    expect(build).toContain('npm ci');
    expect(build).toContain('npm run build');
    expect(build).toContain('npm prune --omit=dev');
    expect(runtime).toMatch(/^node:24[-\w.]*\n/);
    expect(runtime).toMatch(/^USER node$/m);
  });

  it('copies into the runtime image every path a compose command or an app reads', () => {
    const copied = [...(stages[1] ?? '').matchAll(/^COPY --from=build \/app\/(\S+) /gm)].map((m) => m[1]);
    expect(copied.sort()).toEqual(['bin', 'dist', 'infra', 'node_modules', 'package.json', 'schemas'].sort());
  });
});
