/**
 * `herald keys create|list|revoke`: the gateway's API keys, managed against its Postgres
 * schema (DATABASE_URL). The secret is printed once by `create` and never again: only its
 * hash is stored. The schema is migrated first, so keys can be made before the gateway ran.
 */
import { Command, InvalidArgumentError } from 'commander';
import {
  ApiKeyInputError,
  ApiKeyStore,
  GATEWAY_SCHEMA,
  apiKeyMigrationsBesideGateway,
  type ApiKeyRecord,
  type ApiKeysDatabase,
} from '@app/api-keys';
import { databaseConnection } from '@app/config';
import { cliConfig } from '../cli-config';

/** The gateway's API key store in DATABASE_URL (migrated first), for `work` only. */
export async function withApiKeyStore<T>(work: (store: ApiKeyStore) => Promise<T>): Promise<T> {
  // DATABASE_URL with DATABASE_SSL_CA_FILE as its sslrootcert (one connection: the pool size is not used).
  const { url } = databaseConnection(cliConfig());
  // Loaded on use: @app/persistence pulls in Nest, which other commands should not pay for.
  const { createDatabase, ensureDatabase, migrateSchema } = await import('@app/persistence');
  await ensureDatabase(url);
  const db = createDatabase<ApiKeysDatabase>({ url, schema: GATEWAY_SCHEMA, maxConnections: 1 });
  try {
    await migrateSchema(db, GATEWAY_SCHEMA, await apiKeyMigrationsBesideGateway(db));
    return await work(new ApiKeyStore(db));
  } finally {
    await db.destroy();
  }
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('must be a whole number of events per second, at least 1');
  }
  return parsed;
}

function describeKey(key: ApiKeyRecord): Record<string, unknown> {
  return {
    id: key.id,
    producer: key.producer,
    types: key.patterns,
    rateLimitPerSecond: key.rateLimitPerSecond,
    hint: `${key.hint}…`,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

interface CreateOptions {
  producer: string;
  types: string[];
  rateLimit?: number;
  json?: boolean;
}

async function create(options: CreateOptions): Promise<void> {
  try {
    const created = await withApiKeyStore((store) =>
      store.create({
        producer: options.producer,
        patterns: options.types,
        rateLimitPerSecond: options.rateLimit,
      }),
    );
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...describeKey(created.record), key: created.secret })}\n`);
      return;
    }
    process.stdout.write(
      `Created ${created.record.id} for producer "${created.record.producer}" (types: ${created.record.patterns.join(', ')})\n` +
        `API key (shown once, store it now): ${created.secret}\n`,
    );
  } catch (error) {
    if (!(error instanceof ApiKeyInputError)) throw error;
    process.stderr.write(`herald keys create: ${error.message}\n`);
    process.exitCode = 2;
  }
}

async function list(options: { json?: boolean }): Promise<void> {
  const keys = await withApiKeyStore((store) => store.list());
  if (options.json) {
    process.stdout.write(`${JSON.stringify(keys.map(describeKey))}\n`);
    return;
  }
  if (keys.length === 0) {
    process.stdout.write(
      'No API keys. Create one with: herald keys create --producer <name> --types "<domain>.*"\n',
    );
    return;
  }
  for (const key of keys) {
    const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
    const rate = key.rateLimitPerSecond === null ? 'default rate' : `${key.rateLimitPerSecond}/s`;
    process.stdout.write(
      `${key.id}  ${key.hint}…  ${key.producer}  ${key.patterns.join(',')}  ${rate}  ${state}\n`,
    );
  }
}

async function revoke(id: string): Promise<void> {
  const found = await withApiKeyStore((store) => store.revoke(id));
  if (!found) {
    process.stderr.write(`herald keys revoke: no API key with id "${id}" (see herald keys list)\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    `Revoked ${id}: the gateway refuses it within GATEWAY_KEY_CACHE_MS (5 s by default)\n`,
  );
}

export function keysCommand(): Command {
  // exitOverride before the subcommands are made, so they inherit it: a bad option value
  // then exits 2 (usage error) through main() instead of commander's own exit 1.
  const keys = new Command('keys')
    .description("the gateway's API keys (in DATABASE_URL, schema gateway)")
    .exitOverride()
    .showHelpAfterError();
  keys
    .command('create')
    .description('create a key; the secret is printed once')
    .requiredOption(
      '--producer <name>',
      'producer name, becomes ce_source of every event published with the key',
    )
    .requiredOption(
      '--types <patterns...>',
      'event types the key may publish: payments.* orders.order.shipped *',
    )
    .option(
      '--rate-limit <events-per-second>',
      'events per second (default: the gateway default)',
      positiveInteger,
    )
    .option('--json', 'print JSON (includes the key)')
    .action((options: CreateOptions) => create(options));
  keys
    .command('list')
    .description('list keys (never the secrets)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => list(options));
  keys
    .command('revoke')
    .description('revoke a key by id')
    .argument('<id>', 'the key id shown by create and list (key_…)')
    .action((id: string) => revoke(id));
  return keys;
}
