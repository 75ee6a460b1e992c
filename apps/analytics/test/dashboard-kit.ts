/**
 * What the dashboard's browser test needs beside the analytics kit: a real gateway, started as a
 * user starts it (`node dist/apps/gateway/src/main.js`), serving a catalog of the test's own event
 * types (their event.yaml written by the test, with documentation that looks like markup), so the
 * dashboard's catalog view reads `GET /v1/event-types` from the app that owns it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@app/local-kafka';
import {
  dropTestDatabase,
  databaseUrlFor,
  freePort,
  testBrokers,
  uniqueIdentifier,
  waitFor,
} from '@app/testing';

const GATEWAY_MAIN = join(projectRoot(), 'dist', 'apps', 'gateway', 'src', 'main.js');

export interface CatalogEntry {
  readonly type: string;
  readonly description: string;
  readonly owner: string;
  /** Version number → Avro schema. */
  readonly versions: Readonly<Record<number, object>>;
}

export interface CatalogGateway {
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
): Promise<CatalogGateway> {
  const catalogDir = await mkdtemp(join(tmpdir(), 'herald-dashboard-catalog-'));
  await writeCatalog(catalogDir, entries);
  const database = uniqueIdentifier('dashboard_gw');
  const port = await freePort();
  let stderr = '';
  const child: ChildProcess = spawn(process.execPath, [GATEWAY_MAIN], {
    env: {
      ...process.env,
      GATEWAY_PORT: String(port),
      KAFKA_BROKERS: testBrokers().join(','),
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA_REGISTRY_URL: registryUrl,
      SCHEMAS_DIR: catalogDir,
      LOG_LEVEL: 'warn',
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
    { timeoutMs: 60_000, intervalMs: 200, description: 'the gateway to become ready' },
  );
  if (outcome === 'exited') throw new Error(`the gateway exited with code ${child.exitCode}:\n${stderr}`);
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await dropTestDatabase(database);
      await rm(catalogDir, { recursive: true, force: true });
    },
  };
}
