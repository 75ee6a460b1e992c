/**
 * The `herald schemas push` command action: reads options and environment, connects to the
 * registry and Kafka (an unreachable one is an environment error, exit 2), runs the push and
 * prints it. Exit 0 when every type matches the tree, 1 when a type failed or the tree is invalid.
 * Loaded lazily by the command, so `schemas check` does not pay for kafkajs at start-up.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { logLevel } from 'kafkajs';
import { createKafka, TopicAdmin } from '@app/kafka';
import { RegistryClient, RegistryError } from '@app/registry-client';
import { cliKafkaSecurity, cliRegistry } from '../cli-config';
import { formatCatalogProblems, validateCatalog, type Catalog } from '@app/schema';
import { renderEventTypeText, pushHeader, renderPushJson, renderSummaryText } from './push.reporters';
import type { SubjectRegistry } from './push.ports';
import type { PushReport } from './push.types';
import { pushCatalog, type TopicReplication } from './schema-push.runner';

export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:8081';
export const DEFAULT_BROKERS = '127.0.0.1:9092';

export interface PushOptions {
  readonly dir: string;
  readonly registry?: string;
  readonly brokers?: string;
  readonly dryRun: boolean;
  readonly format: 'text' | 'json';
  readonly replicationFactor?: string;
  readonly minInsyncReplicas?: string;
  readonly allowSingleReplica?: boolean;
}

export interface PushEnvironment {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => Promise<void>;
  readonly err: (text: string) => void;
}

/** A problem with the command line or the surroundings, not with the tree: exit 2. */
export class PushEnvironmentError extends Error {
  override name = 'PushEnvironmentError';
}

export async function runPush(options: PushOptions, io: PushEnvironment): Promise<number> {
  const registryUrl = options.registry ?? io.env['SCHEMA_REGISTRY_URL'] ?? DEFAULT_REGISTRY_URL;
  const brokers = (options.brokers ?? io.env['KAFKA_BROKERS'] ?? DEFAULT_BROKERS).split(',').filter(Boolean);
  const replication = topicReplication(options, io.env);
  const catalog = await readCatalog(resolve(io.cwd, options.dir), options.dir, io);
  if (catalog === undefined) return 1;
  const writeToken = io.env['REGISTRY_WRITE_TOKEN'] || undefined;
  const client = new RegistryClient({ ...cliRegistry(registryUrl, io.env), writeToken });
  await client.subjects().catch((error: unknown) => {
    throw new PushEnvironmentError(
      `cannot reach the schema registry at ${registryUrl}: ${(error as Error).message}`,
    );
  });
  const admin = createKafka(
    { brokers, clientId: 'herald-cli', ...cliKafkaSecurity(io.env) },
    { logLevel: logLevel.NOTHING, retry: { retries: 2 }, connectionTimeout: 3_000 },
  ).admin();
  await admin.connect().catch((error: unknown) => {
    throw new PushEnvironmentError(`cannot reach Kafka at ${brokers.join(',')}: ${(error as Error).message}`);
  });
  try {
    const header = { registry: registryUrl, brokers, dryRun: options.dryRun };
    if (options.format === 'text') await io.out(pushHeader(header, options.dir));
    const eventTypes = await pushCatalog({
      catalog,
      dryRun: options.dryRun,
      registry: explainingRefusedWrites(client, writeToken !== undefined),
      topics: new TopicAdmin(admin),
      replication,
      onEventType: (result) => {
        if (options.format === 'text') void io.out(renderEventTypeText(result, options.dryRun));
      },
    });
    const report: PushReport = { ...header, eventTypes };
    await io.out(options.format === 'json' ? renderPushJson(report) : renderSummaryText(report));
    return eventTypes.some((type) => type.status === 'failed') ? 1 : 0;
  } finally {
    await admin.disconnect();
  }
}

/** Replication of new topics: options first, then KAFKA_REPLICATION_FACTOR / KAFKA_MIN_INSYNC_REPLICAS. */
function topicReplication(options: PushOptions, env: PushEnvironment['env']): TopicReplication {
  const count = (option: string, value: string | undefined): number | undefined => {
    if (value === undefined || value === '') return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 32) {
      throw new PushEnvironmentError(
        `${option} must be a whole number from 1 to 32, got ${JSON.stringify(value)}`,
      );
    }
    return parsed;
  };
  const replicationFactor = count(
    options.replicationFactor === undefined ? 'KAFKA_REPLICATION_FACTOR' : '--replication-factor',
    options.replicationFactor ?? env['KAFKA_REPLICATION_FACTOR'],
  );
  const minInsyncReplicas = count(
    options.minInsyncReplicas === undefined ? 'KAFKA_MIN_INSYNC_REPLICAS' : '--min-insync-replicas',
    options.minInsyncReplicas ?? env['KAFKA_MIN_INSYNC_REPLICAS'],
  );
  return {
    ...(replicationFactor === undefined ? {} : { replicationFactor }),
    ...(minInsyncReplicas === undefined ? {} : { minInsyncReplicas }),
    allowSingleReplica: options.allowSingleReplica === true,
  };
}

/**
 * The registry client, with a write it refuses for want of credentials (401/403) saying which
 * variable carries them: reads stay open, so that is the first a user hears of write auth.
 */
function explainingRefusedWrites(client: RegistryClient, tokenSet: boolean): SubjectRegistry {
  const explain = (error: unknown): never => {
    if (error instanceof RegistryError && (error.status === 401 || error.status === 403)) {
      const hint = tokenSet
        ? 'REGISTRY_WRITE_TOKEN is set, but the registry does not accept it'
        : "set REGISTRY_WRITE_TOKEN to the registry's write token (`herald up` prints where it keeps the one it generated)";
      throw new Error(`${error.message}: ${hint}`, { cause: error });
    }
    throw error;
  };
  return {
    versions: (subject) => client.versions(subject),
    version: (subject, version) => client.version(subject, version),
    lookup: (subject, schema) => client.lookup(subject, schema),
    compatibility: (subject) => client.compatibility(subject),
    register: (subject, schema) => client.register(subject, schema).catch(explain),
    setCompatibility: (subject, level) => client.setCompatibility(subject, level).catch(explain),
  };
}

async function readCatalog(dir: string, shown: string, io: PushEnvironment): Promise<Catalog | undefined> {
  const isFolder = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) throw new PushEnvironmentError(`schemas folder ${shown} does not exist or is not a folder`);
  const validation = await validateCatalog(dir);
  if (validation.catalog !== undefined) return validation.catalog;
  io.err(
    `herald: nothing was pushed; ${formatCatalogProblems(shown, validation.problems)}\n` +
      'Run herald schemas check for the details.\n',
  );
  return undefined;
}
