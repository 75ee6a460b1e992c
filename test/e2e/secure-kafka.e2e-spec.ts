/**
 * Herald over an authenticated, encrypted Kafka: a private local cluster with only a SASL_SSL
 * listener (`herald kafka start --secure`: its own CA, SCRAM users made at format time), the
 * registry, the gateway and the audit started as a user starts them with the KAFKA_SSL* and
 * KAFKA_SASL_* variables. An event published through the gateway is stored by the audit; a
 * wrong password and a CA that did not sign the brokers' certificate each stop an app at boot
 * with an error that says so, instead of a client retrying forever.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore, GATEWAY_SCHEMA, type ApiKeysDatabase } from '@app/api-keys';
import { projectRoot } from '@app/config';
import { createKafka } from '@app/kafka';
import { makeCertificateAuthority } from '@app/local-kafka';
import { createDatabase, ensureDatabase } from '@app/persistence';
import { RegistryClient } from '@app/registry-client';
import {
  databaseUrlFor,
  dropTestDatabase,
  freePort,
  startPrivateKafka,
  startTestRegistry,
  uniqueIdentifier,
  uniqueName,
  waitFor,
  type PrivateKafka,
  type TestRegistry,
} from '@app/testing';

jest.setTimeout(180_000);

const ROOT = projectRoot();
const SCHEMA = {
  type: 'record',
  name: 'Signed',
  namespace: 'herald.e2e',
  fields: [
    { name: 'contractId', type: 'string' },
    { name: 'tenantId', type: 'string' },
  ],
} as const;

interface App {
  readonly child: ChildProcess;
  readonly url: string;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

function startApp(app: string, portVar: string, port: number, env: NodeJS.ProcessEnv): App {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, [portVar]: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { child, url: `http://127.0.0.1:${port}`, stderr: () => stderr };
}

function stop(app: App | undefined): Promise<void> {
  const child = app?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function waitReady(app: App, name: string): Promise<void> {
  await waitFor(
    () => {
      if (app.child.exitCode !== null)
        throw new Error(`${name} exited (${app.child.exitCode}):\n${app.stderr()}`);
      return fetch(`${app.url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs: 60_000, intervalMs: 250, description: `${name} to become ready` },
  );
}

/** Waits for the app to exit on its own; its exit code and what it printed. */
async function bootFailure(app: App, name: string): Promise<{ code: number | null; stderr: string }> {
  const code = await waitFor(() => app.child.exitCode ?? undefined, {
    timeoutMs: 45_000,
    intervalMs: 200,
    description: `${name} to stop at boot`,
  });
  return { code, stderr: app.stderr() };
}

describe('gateway → Kafka → audit over SASL_SSL', () => {
  let kafka: PrivateKafka;
  let secureEnv: Record<string, string>;
  let registry: TestRegistry;
  let workDir: string;
  const apps: App[] = [];
  const database = uniqueIdentifier('herald_secure');
  const domain = `s${uniqueIdentifier('').replace(/[^a-z0-9]/g, '')}`;
  const type = `${domain}.contract.signed`;
  let gatewayEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    kafka = await startPrivateKafka({ nodes: 1, secure: true });
    secureEnv = kafka.cluster.clientEnv();
    workDir = await mkdtemp(join(tmpdir(), 'herald-secure-e2e-'));
    registry = await startTestRegistry({ env: secureEnv });

    const typeDir = join(workDir, 'schemas', domain, type);
    await mkdir(typeDir, { recursive: true });
    await writeFile(join(typeDir, 'v1.avsc'), JSON.stringify(SCHEMA));
    await writeFile(
      join(typeDir, 'event.yaml'),
      'description: Secure Kafka end-to-end test events.\nowner: e2e\nkey: contractId\ntenant: tenantId\npartitions: 1\nretention: 1d\n',
    );
    await new RegistryClient({ url: registry.url }).register(`${type}-value`, SCHEMA);
    const admin = createKafka({ ...kafka.cluster.clientConnection(), clientId: 'secure-e2e' }).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: type, numPartitions: 1 }] });
    await admin.disconnect();

    const databaseUrl = databaseUrlFor(database);
    await ensureDatabase(databaseUrl);
    gatewayEnv = {
      ...secureEnv,
      DATABASE_URL: databaseUrl,
      SCHEMA_REGISTRY_URL: registry.url,
      SCHEMAS_DIR: join(workDir, 'schemas'),
    };
  });

  afterAll(async () => {
    await Promise.all(apps.map(stop));
    await registry?.stop();
    await kafka?.remove();
    await dropTestDatabase(database);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('publishes through the gateway and the audit stores the event', async () => {
    const gateway = startApp('gateway', 'GATEWAY_PORT', await freePort(), gatewayEnv);
    apps.push(gateway);
    const audit = startApp('audit', 'AUDIT_PORT', await freePort(), {
      ...secureEnv,
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA_REGISTRY_URL: registry.url,
      AUDIT_GROUP_ID: uniqueName('audit-secure'),
      AUDIT_TOPIC_PATTERN: `^${domain}\\.`,
    });
    apps.push(audit);
    await waitReady(gateway, 'the gateway');
    await waitReady(audit, 'the audit');
    // The gateway made its tables (API keys included) at boot; a key made now is found on first use.
    const db = createDatabase<ApiKeysDatabase>({ url: databaseUrlFor(database), schema: GATEWAY_SCHEMA });
    const apiKey = await new ApiKeyStore(db)
      .create({ producer: 'secure-e2e', patterns: [`${domain}.*`] })
      .then((created) => created.secret)
      .finally(() => db.destroy());

    const response = await fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ type, data: { contractId: 'c-1', tenantId: 't-1' } }),
    });
    expect(response.status).toBe(202);
    const { id, topic } = (await response.json()) as { id: string; topic: string };
    expect(topic).toBe(type);

    const stored = await waitFor(
      async () => {
        const r = await fetch(`${audit.url}/v1/audit/${encodeURIComponent(id)}`);
        return r.status === 200 ? ((await r.json()) as { type: string; data: unknown }) : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'the audit to store the event' },
    );
    expect(stored.type).toBe(type);
    expect(stored.data).toEqual({ contractId: 'c-1', tenantId: 't-1' });
  });

  it('stops the gateway at boot when Kafka refuses the password', async () => {
    const { KAFKA_SASL_PASSWORD_FILE: _file, ...withoutPassword } = gatewayEnv;
    const gateway = startApp('gateway', 'GATEWAY_PORT', await freePort(), {
      ...withoutPassword,
      KAFKA_SASL_PASSWORD: 'not-the-password',
    });
    apps.push(gateway);
    const { code, stderr } = await bootFailure(gateway, 'the gateway');
    expect(code).toBe(1);
    expect(stderr).toContain('refused the SASL credentials');
    expect(stderr).toContain('SCRAM-SHA-512 user herald');
    expect(stderr).not.toContain('not-the-password');
  });

  it('stops the audit at boot when the brokers’ certificate is not signed by the trusted CA', async () => {
    const other = makeCertificateAuthority(join(workDir, 'other-ca'), 'Not the Kafka CA');
    const audit = startApp('audit', 'AUDIT_PORT', await freePort(), {
      ...secureEnv,
      KAFKA_SSL_CA_FILE: other.caFile,
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA_REGISTRY_URL: registry.url,
      AUDIT_GROUP_ID: uniqueName('audit-untrusted'),
      AUDIT_TOPIC_PATTERN: `^${domain}\\.`,
    });
    apps.push(audit);
    const { code, stderr } = await bootFailure(audit, 'the audit');
    expect(code).toBe(1);
    expect(stderr).toContain('TLS to Kafka at');
    expect(stderr).toContain('set KAFKA_SSL_CA_FILE');
  });
});
