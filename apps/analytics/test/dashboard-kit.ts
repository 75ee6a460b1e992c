/**
 * What the dashboard's browser tests need beside the analytics kit, each started as a user starts
 * it: a real gateway (`node dist/apps/gateway/src/main.js`) serving a catalog of the test's own
 * event types (their event.yaml written by the test, with documentation that looks like markup),
 * so the catalog view reads `GET /v1/event-types` from the app that owns it; and a real webhooks
 * app (`node dist/apps/webhooks/src/main.js`) delivering the test's events to a loopback receiver,
 * so the delivery panel reads the admin API of the app that owns it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import {
  dropTestDatabase,
  databaseUrlFor,
  freePort,
  testBrokers,
  uniqueIdentifier,
  waitFor,
} from '@app/testing';

const mainOf = (app: string) => join(projectRoot(), 'dist', 'apps', app, 'src', 'main.js');

export interface CatalogEntry {
  readonly type: string;
  readonly description: string;
  readonly owner: string;
  /** Version number → Avro schema. */
  readonly versions: Readonly<Record<number, object>>;
}

export interface AppProcess {
  readonly url: string;
  close(): Promise<void>;
}

async function writeCatalog(dir: string, entries: readonly CatalogEntry[]): Promise<void> {
  for (const entry of entries) {
    const typeDir = join(dir, entry.type.split('.')[0]!, entry.type);
    await mkdir(typeDir, { recursive: true });
    for (const [version, schema] of Object.entries(entry.versions)) {
      await writeFile(join(typeDir, `v${version}.avsc`), JSON.stringify(schema, null, 2));
    }
    await writeFile(
      join(typeDir, 'event.yaml'),
      [
        `description: ${JSON.stringify(entry.description)}`,
        `owner: ${JSON.stringify(entry.owner)}`,
        'key: payment_id',
        'tenant: currency',
        'partitions: 3',
        'retention: 1d',
        '',
      ].join('\n'),
    );
  }
}

/** A gateway whose catalog holds exactly `entries` (their schemas must be in `registryUrl` already). */
export async function startCatalogGateway(
  registryUrl: string,
  entries: readonly CatalogEntry[],
): Promise<AppProcess> {
  const catalogDir = await mkdtemp(join(tmpdir(), 'herald-dashboard-catalog-'));
  await writeCatalog(catalogDir, entries);
  const app = await startApp('gateway', 'GATEWAY_PORT', {
    SCHEMA_REGISTRY_URL: registryUrl,
    SCHEMAS_DIR: catalogDir,
  });
  return {
    url: app.url,
    close: async () => {
      await app.close();
      await rm(catalogDir, { recursive: true, force: true });
    },
  };
}

/** A built app on a free port and a database of its own; close() stops it and drops the database. */
async function startApp(app: string, portVariable: string, env: Record<string, string>): Promise<AppProcess> {
  const database = uniqueIdentifier(`dashboard_${app}`);
  const port = await freePort();
  let stderr = '';
  const child: ChildProcess = spawn(process.execPath, [mainOf(app)], {
    env: {
      ...process.env,
      [portVariable]: String(port),
      KAFKA_BROKERS: testBrokers().join(','),
      DATABASE_URL: databaseUrlFor(database),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const url = `http://127.0.0.1:${port}`;
  const outcome = await waitFor(
    async () => {
      if (child.exitCode !== null) return 'exited';
      return (await fetch(`${url}/health/ready`).catch(() => undefined))?.ok === true && 'ready';
    },
    { timeoutMs: 60_000, intervalMs: 200, description: `the ${app} app to become ready` },
  );
  if (outcome === 'exited') throw new Error(`the ${app} app exited with code ${child.exitCode}:\n${stderr}`);
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await dropTestDatabase(database);
    },
  };
}

export const WEBHOOKS_ADMIN_TOKEN = `dashboard-test-admin-${uniqueIdentifier('token')}`;

/**
 * The webhooks app with a catalog of `entries` (endpoints subscribe to catalog types), on the
 * test's topics (by their pattern), its own group and database, loopback destinations allowed.
 */
export async function startWebhooksApp(
  registryUrl: string,
  entries: readonly CatalogEntry[],
  topicPattern: string,
  groupId: string,
): Promise<AppProcess> {
  const catalogDir = await mkdtemp(join(tmpdir(), 'herald-dashboard-catalog-'));
  await writeCatalog(catalogDir, entries);
  const app = await startApp('webhooks', 'WEBHOOKS_PORT', {
    SCHEMA_REGISTRY_URL: registryUrl,
    SCHEMAS_DIR: catalogDir,
    WEBHOOKS_ADMIN_TOKEN,
    WEBHOOKS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    WEBHOOKS_GROUP_ID: groupId,
    WEBHOOKS_TOPIC_PATTERN: topicPattern,
    WEBHOOKS_ALLOWLIST: '127.0.0.1/32',
  });
  return {
    url: app.url,
    close: async () => {
      await app.close();
      await rm(catalogDir, { recursive: true, force: true });
    },
  };
}

/** A loopback webhook receiver answering 204 to every delivery and counting them. */
export class CountingReceiver {
  received = 0;
  url = '';
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.received += 1;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
