/**
 * `herald up`: the whole platform in the foreground — Kafka (unless KAFKA_BROKERS is set),
 * the database, the schema registry, the `schemas/` tree pushed to it (topics and versions,
 * as `herald schemas push` does), then every other app — until Ctrl-C, which stops
 * everything it started. The registry runs with a write token (the environment's, or one
 * generated into HERALD_HOME, see local-secrets.ts) that only it and the push receive.
 * The webhooks app admits 127.0.0.1 as a destination (WEBHOOKS_ALLOWLIST, unless the environment
 * sets it), so `herald webhooks listen` and local receivers work on a developer's machine.
 * `--demo` then starts a sample receiver, its endpoint and traffic of every type (up-demo.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { projectRoot } from '@app/config';
import { LocalKafkaCluster, LocalKafkaError } from '@app/local-kafka';
import { cliConfig } from '../cli-config';
import { localSecrets, registryWriteSecrets, WEBHOOKS_SECRETS, type LocalSecrets } from './local-secrets';
import type { RunningDemo } from './up-demo';

interface AppSpec {
  readonly name: string;
  readonly portVar: string;
  readonly defaultPort: number;
}

const APPS: readonly AppSpec[] = [
  { name: 'schema-registry', portVar: 'REGISTRY_PORT', defaultPort: 8081 },
  { name: 'gateway', portVar: 'GATEWAY_PORT', defaultPort: 8080 },
  { name: 'webhooks', portVar: 'WEBHOOKS_PORT', defaultPort: 8082 },
  { name: 'analytics', portVar: 'ANALYTICS_PORT', defaultPort: 8083 },
  { name: 'audit', portVar: 'AUDIT_PORT', defaultPort: 8084 },
];

const APP_BY_NAME = Object.fromEntries(APPS.map((app) => [app.name, app])) as Record<
  'schema-registry' | 'gateway' | 'webhooks' | 'analytics' | 'audit',
  AppSpec
>;

const READY_TIMEOUT_MS = 90_000;

/** A developer's machine: webhooks to receivers on loopback (herald webhooks listen) are allowed. */
export const LOCAL_WEBHOOKS_ALLOWLIST = '127.0.0.1';

function appUrl(app: AppSpec): string {
  return `http://127.0.0.1:${process.env[app.portVar] ?? app.defaultPort}`;
}

async function waitReady(app: AppSpec, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${app.name} exited with code ${child.exitCode} during start`);
    const ok = await fetch(`${appUrl(app)}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(
    `${app.name} was not ready within ${READY_TIMEOUT_MS / 1000} s (${appUrl(app)}/health/ready)`,
  );
}

function startApp(root: string, app: AppSpec, env: NodeJS.ProcessEnv): ChildProcess {
  const main = join(root, 'dist', 'apps', app.name, 'src', 'main.js');
  if (!existsSync(main)) throw new LocalKafkaError(`${main} is missing: run \`npm run build\` first`);
  return spawn(process.execPath, [main], {
    env,
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: Ctrl-C reaches only `herald up`, which then stops the apps in order
    // (a terminal's SIGINT to every process would make each app's exit look like a crash).
    detached: true,
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface UpOptions {
  demo: boolean;
}

async function up(options: UpOptions): Promise<void> {
  const config = cliConfig();
  const root = projectRoot();
  let kafka: LocalKafkaCluster | undefined;
  let brokers: readonly string[];
  if (config.KAFKA_BROKERS !== undefined) {
    brokers = config.KAFKA_BROKERS;
  } else {
    const local = new LocalKafkaCluster({ nodes: 1, log: (line) => process.stdout.write(`${line}\n`) });
    if ((await local.start()) > 0) kafka = local;
    brokers = local.brokers;
  }
  // Loaded here, not at the top: they pull in Nest, which every other command would pay for.
  const { ensureDatabase } = await import('@app/persistence');
  const { runPush } = await import('../schema-push/push.action');
  await ensureDatabase(config.DATABASE_URL);

  const children = new Map<string, ChildProcess>();
  let stopping: Promise<void> | undefined;
  let demo: RunningDemo | undefined;
  const shutdown = (code: number): Promise<void> =>
    (stopping ??= (async () => {
      process.stdout.write('\nStopping Herald...\n');
      await demo?.stop().catch(() => undefined);
      await Promise.all([...children.values()].map(stopChild));
      if (kafka !== undefined) await kafka.stop();
      process.exit(code);
    })());
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  const [registry, ...others] = APPS as [AppSpec, ...AppSpec[]];
  const webhooksSecrets = localSecrets(WEBHOOKS_SECRETS, process.env);
  const registrySecrets = registryWriteSecrets(process.env);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...webhooksSecrets.env,
    KAFKA_BROKERS: brokers.join(','),
    DATABASE_URL: config.DATABASE_URL,
    SCHEMA_REGISTRY_URL: appUrl(registry),
    WEBHOOKS_ALLOWLIST: process.env['WEBHOOKS_ALLOWLIST'] ?? LOCAL_WEBHOOKS_ALLOWLIST,
  };
  const start = (app: AppSpec): ChildProcess => {
    const child = startApp(root, app, app === registry ? { ...env, ...registrySecrets.env } : env);
    children.set(app.name, child);
    child.once('exit', (code, signal) => {
      if (stopping === undefined) {
        process.stderr.write(`herald up: ${app.name} stopped unexpectedly (${signal ?? `exit ${code}`})\n`);
        void shutdown(1);
      }
    });
    return child;
  };
  try {
    // The registry first: the gateway and consumers resolve schemas through it, and the
    // tree must be pushed (topics, versions) before anything publishes or subscribes.
    await waitReady(registry, start(registry));
    const pushed = await runPush(
      {
        dir: 'schemas',
        registry: appUrl(registry),
        brokers: brokers.join(','),
        dryRun: false,
        format: 'text',
      },
      {
        cwd: root,
        env: { ...process.env, ...registrySecrets.env },
        out: async (text) => void process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      },
    );
    if (pushed !== 0) throw new Error('pushing schemas/ to the registry failed (see above)');
    await Promise.all(others.map((app) => waitReady(app, start(app))));
    if (options.demo) {
      const { startDemo } = await import('./up-demo');
      demo = await startDemo({
        root,
        gatewayUrl: appUrl(APP_BY_NAME.gateway),
        webhooksUrl: appUrl(APP_BY_NAME.webhooks),
        webhooksAdminToken: env['WEBHOOKS_ADMIN_TOKEN'] ?? '',
        receiverPort: Number(process.env['HERALD_DEMO_RECEIVER_PORT'] ?? 8090),
        ratePerSecond: Number(process.env['HERALD_DEMO_RATE'] ?? 4),
        print: (line) => void process.stdout.write(`${line}\n`),
      });
    }
  } catch (error) {
    process.stderr.write(`herald up: ${error instanceof Error ? error.message : String(error)}\n`);
    await shutdown(1);
    return;
  }
  const lines = APPS.map((a) => `  ${a.name.padEnd(16)} ${appUrl(a)}   (docs: ${appUrl(a)}/docs)`);
  process.stdout.write(
    `\nHerald is up. Kafka: ${brokers.join(',')}\n${lines.join('\n')}\n` +
      'Publish with an API key from `herald keys create --producer <name> --types "*"`.\n' +
      secretsNotice(webhooksSecrets, registrySecrets) +
      `Webhook destinations allowed despite the SSRF rules: WEBHOOKS_ALLOWLIST=${env['WEBHOOKS_ALLOWLIST']}` +
      `${process.env['WEBHOOKS_ALLOWLIST'] === undefined ? ' (the local default, for herald webhooks listen)' : ''}\n` +
      (demo === undefined ? '' : demoNotice(demo)) +
      'Press Ctrl-C to stop everything.\n',
  );
  await new Promise<never>(() => undefined);
}

/** What the demo runs and where to watch it. */
function demoNotice(demo: RunningDemo): string {
  return (
    '\nDemo: every catalog type is published through the SDK (producer herald-demo) a few times a second.\n' +
    `  watch them arrive in audit:              ${appUrl(APP_BY_NAME.audit)}/v1/audit?limit=10\n` +
    `  in the analytics dashboard:              ${appUrl(APP_BY_NAME.analytics)}/\n` +
    `  and at the sample receiver (lines below), ${demo.receiverUrl}, which verifies every signature;\n` +
    `  its deliveries in the webhooks portal:   ${appUrl(APP_BY_NAME.webhooks)}/\n`
  );
}

/** Where the generated secrets are, and how another shell uses the registry's write token. */
function secretsNotice(webhooks: LocalSecrets, registry: LocalSecrets, env = process.env): string {
  const lines: string[] = [];
  if (webhooks.file !== undefined) {
    lines.push(`Webhooks admin token (Authorization: Bearer ...): WEBHOOKS_ADMIN_TOKEN in ${webhooks.file}`);
  }
  if (registry.file !== undefined) {
    lines.push(
      `Registry write token (Authorization: Bearer ...): REGISTRY_WRITE_TOKEN in ${registry.file}`,
      `  for \`herald schemas push\` from another shell: export $(cat ${registry.file})`,
    );
  } else if (env['REGISTRY_WRITE_AUTH'] === 'none') {
    lines.push('Registry writes are open to anyone who reaches it (REGISTRY_WRITE_AUTH=none).');
  }
  return lines.map((line) => `${line}\n`).join('');
}

export function upCommand(): Command {
  return new Command('up')
    .description('start Kafka and every Herald app in the foreground; Ctrl-C stops them all')
    .option(
      '--demo',
      'also run a sample webhook receiver that verifies signatures, an endpoint for it, and traffic of every event type',
      false,
    )
    .action(up);
}
