/**
 * The README's `npm run up`, run as a user runs it: every app comes up healthy and its URL is
 * printed; the README's quickstart block publishes an event and finds exactly that event in Kafka
 * and in the audit log; Ctrl-C (SIGINT to the foreground process group) stops everything and
 * exits 0. `npm run demo` (`up --demo`), run in a fresh checkout as a newcomer runs it (the
 * repository's files and nothing else: no node_modules, no build, so `npm ci` and the build are
 * part of it): events of every catalog type reach the audit log, the analytics counts and the
 * sample receiver, which verifies their signatures, within a minute of "Herald is up.". Uses
 * a private Kafka node, free ports and throw-away databases: the quickstart and the demo write to
 * the catalog's real topics, which a platform the user runs on the shared test broker reads.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import { loadCatalog } from '@app/schema';
import {
  databaseUrlFor,
  dropTestDatabase,
  freePort,
  startPrivateKafka,
  uniqueIdentifier,
  uniqueName,
  waitFor,
  type PrivateKafka,
} from '@app/testing';

jest.setTimeout(480_000);

const PORT_VARS = ['GATEWAY_PORT', 'REGISTRY_PORT', 'WEBHOOKS_PORT', 'ANALYTICS_PORT', 'AUDIT_PORT'] as const;

describe('npm run up', () => {
  const database = uniqueIdentifier('herald_up');
  const demoDatabase = uniqueIdentifier('herald_demo');
  // Where `herald up` keeps the secrets it generates (the registry's write token, the webhooks'
  // admin token and key): this test's own, not the user's.
  const home = mkdtempSync(join(tmpdir(), 'herald-up-home-'));
  let platform: ChildProcess | undefined;
  let kafka: PrivateKafka | undefined;
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  beforeAll(async () => {
    kafka = await startPrivateKafka({ nodes: 1, heapMb: 384 });
  }, 120_000);

  afterAll(async () => {
    // A failed assertion must not leave the platform running: Ctrl-C it as the test would have.
    if (platform !== undefined && platform.exitCode === null && platform.signalCode === null) {
      const exited = new Promise((resolve) => platform?.once('exit', resolve));
      process.kill(-(platform.pid as number), 'SIGINT');
      await exited;
    }
    await dropTestDatabase(database);
    await dropTestDatabase(demoDatabase);
    await kafka?.remove();
  }, 90_000);

  const brokers = (): string => {
    if (kafka === undefined) throw new Error('the private Kafka did not start');
    return kafka.cluster.brokers.join(',');
  };

  /**
   * `npm run <script>` as a user runs it, in its own process group, in `cwd` (the working tree by
   * default), on `ports`, this test's database and HERALD_HOME, and group ids of its own; resolves
   * once it printed "Herald is up." (or fails at once, with what it printed, when it stops before
   * that).
   */
  async function startPlatform(
    script: 'up' | 'demo',
    ports: Record<string, string>,
    databaseName: string,
    heraldHome: string,
    { cwd = projectRoot(), upWithinMs = 150_000 } = {},
  ): Promise<{ child: ChildProcess; output: () => string; exited: Promise<string> }> {
    const child = spawn('npm', ['run', script], {
      cwd,
      env: {
        ...process.env,
        ...ports,
        KAFKA_BROKERS: brokers(),
        DATABASE_URL: databaseUrlFor(databaseName),
        // Test runs refuse the production group ids (HERALD_REFUSE_DEFAULT_GROUPS), private broker or not.
        REGISTRY_TOPIC: uniqueName(`_schemas-${script}`),
        AUDIT_GROUP_ID: uniqueName(`audit-${script}`),
        WEBHOOKS_GROUP_ID: uniqueName(`webhooks-${script}`),
        ANALYTICS_GROUP_ID: uniqueName(`analytics-${script}`),
        LOG_LEVEL: 'warn',
        HERALD_HOME: heraldHome,
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    platform = child;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
    );
    await Promise.race([
      waitFor(() => output.includes('Herald is up.'), {
        timeoutMs: upWithinMs,
        intervalMs: 250,
        description: '"Herald is up."',
      }),
      // A failed build or start ends `npm run` at once: say so instead of waiting out the timeout.
      exited.then((how) => {
        throw new Error(`npm run ${script} stopped (${how}) before "Herald is up."`);
      }),
    ]).catch((error: Error) => {
      throw new Error(`${error.message}\n--- npm run ${script} printed:\n${output}`);
    });
    return { child, output: () => output, exited };
  }

  it('brings up every app healthy, prints their URLs, and Ctrl-C stops them all', async () => {
    const ports: Record<string, string> = {};
    for (const name of PORT_VARS) ports[name] = String(await freePort());
    const { child, output, exited } = await startPlatform('up', ports, database, home);
    for (const port of Object.values(ports)) {
      expect(output()).toContain(`http://127.0.0.1:${port}`);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
    }

    // The registry runs with a generated write token, printed where it is kept; `up` pushed the
    // schemas with it (or it would not be up), and a write without it is refused.
    const tokenFile = join(home, 'registry.env');
    expect(output()).toContain(`REGISTRY_WRITE_TOKEN in ${tokenFile}`);
    const token = /^REGISTRY_WRITE_TOKEN=(\S+)$/m.exec(readFileSync(tokenFile, 'utf8'))?.[1];
    const register = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${ports.REGISTRY_PORT}/subjects/up-write-auth-value/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...headers },
        body: JSON.stringify({ schema: '"string"' }),
      });
    expect((await register({})).status).toBe(401);
    expect((await register({ authorization: `Bearer ${token}` })).status).toBe(200);

    // The README's quickstart, run as written there (on this test's ports): it publishes an event and
    // looks up exactly that one, by its coordinates in Kafka and by its id in the audit log; the block
    // exits non-zero when the event does not arrive in the bounded wait it gives the audit app.
    const quickstart = readmeQuickstart();
    expect(quickstart).toContain('--offset');
    expect(quickstart).toContain('/v1/audit/$ID');
    // The audit app has joined and read the (empty) payments topic before the quickstart publishes.
    await waitForCaughtUp(`http://127.0.0.1:${ports.AUDIT_PORT}`, 'payments.payment.received');
    const run = await runBash(quickstart.replaceAll('localhost:8084', `127.0.0.1:${ports.AUDIT_PORT}`), {
      ...process.env,
      DATABASE_URL: databaseUrlFor(database),
      GATEWAY_URL: `http://127.0.0.1:${ports.GATEWAY_PORT}`,
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${ports.REGISTRY_PORT}`,
      KAFKA_BROKERS: brokers(),
    });
    // stderr may hold the audit lookup's 404s from before the event was stored; shown on failure.
    if (run.status !== 0) {
      throw new Error(
        `the quickstart exited ${run.status}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`,
      );
    }
    const [published, tailed, audited] = run.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(published).toMatchObject({ status: 'accepted', type: 'payments.payment.received' });
    const coordinates = {
      id: published?.['id'],
      topic: 'payments.payment.received',
      partition: published?.['partition'],
      offset: published?.['offset'],
    };
    expect(tailed).toMatchObject({ ...coordinates, data: { merchant_id: 'm-42', amount_minor: 1250 } });
    expect(audited).toMatchObject({ ...coordinates, data: { merchant_id: 'm-42', amount_minor: 1250 } });

    // What a terminal's Ctrl-C does: SIGINT to the whole foreground process group.
    process.kill(-(child.pid as number), 'SIGINT');
    // npm re-raises the signal it was stopped by; `herald up` itself exits 0 after stopping the apps.
    expect(['exit 0', 'SIGINT']).toContain(await exited);
    await waitFor(() => output().includes('Stopping Herald...'), { description: 'the shutdown message' });
    for (const port of Object.values(ports)) {
      await waitFor(
        () =>
          fetch(`http://127.0.0.1:${port}/health/live`).then(
            () => false,
            () => true,
          ),
        { timeoutMs: 30_000, description: `port ${port} to close` },
      );
    }
    expect(output()).not.toContain('stopped unexpectedly');
  });

  it('npm run demo in a fresh checkout: every event type reaches audit, analytics and the signature-verifying receiver within a minute', async () => {
    const ports: Record<string, string> = {};
    for (const name of [...PORT_VARS, 'HERALD_DEMO_RECEIVER_PORT']) ports[name] = String(await freePort());
    const demoHome = mkdtempSync(join(tmpdir(), 'herald-demo-home-'));
    const checkout = freshCheckout();
    // `npm ci` and the build come first in a fresh checkout (minutes on a busy 2-core machine).
    const { child, output, exited } = await startPlatform('demo', ports, demoDatabase, demoHome, {
      cwd: checkout,
      upWithinMs: 480_000,
    }).catch((error: unknown) => {
      rmSync(checkout, { recursive: true, force: true });
      throw error;
    });
    try {
      // It really started from nothing: `npm ci` installed the packages first.
      expect(output()).toMatch(/added \d+ packages/);
      expect(output()).toContain(`Demo: every catalog type is published`);
      expect(output()).toContain(`http://127.0.0.1:${ports['HERALD_DEMO_RECEIVER_PORT']}/webhooks`);

      const types = (await loadCatalog(join(projectRoot(), 'schemas'))).eventTypes.map((t) => t.type);
      const audit = `http://127.0.0.1:${ports['AUDIT_PORT']}`;
      const analytics = `http://127.0.0.1:${ports['ANALYTICS_PORT']}`;
      const hour = 3_600_000;
      const range = `from=${new Date(Date.now() - hour).toISOString()}&to=${new Date(Date.now() + hour).toISOString()}&interval=hour`;
      await waitFor(
        async () => {
          for (const type of types) {
            if (!output().includes(`demo receiver: signature verified, ${type} `)) return false;
            const stored = (await (await fetch(`${audit}/v1/audit?type=${type}&limit=1`)).json()) as {
              items?: unknown[];
            };
            if ((stored.items?.length ?? 0) === 0) return false;
            const stats = (await (await fetch(`${analytics}/v1/stats?type=${type}&${range}`)).json()) as {
              points?: Array<{ value: number }>;
            };
            if ((stats.points ?? []).reduce((sum, p) => sum + p.value, 0) === 0) return false;
          }
          return true;
        },
        {
          timeoutMs: 60_000,
          intervalMs: 1_000,
          description: `every type (${types.join(', ')}) in the receiver, audit and analytics`,
        },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n--- npm run demo printed:\n${output()}`);
      });
      expect(output()).not.toContain('signature NOT verified');
      expect(output()).not.toContain('not published');
    } finally {
      process.kill(-(child.pid as number), 'SIGINT');
      rmSync(demoHome, { recursive: true, force: true });
    }
    expect(['exit 0', 'SIGINT']).toContain(await exited);
    rmSync(checkout, { recursive: true, force: true });
    expect(output()).not.toContain('stopped unexpectedly');
  }, 720_000);
});

/**
 * What a newcomer's `git clone` holds: the working tree's files that git tracks or would track
 * (committed or not; ignored ones such as node_modules, dist and .env left out), in a new folder.
 */
function freshCheckout(): string {
  const root = projectRoot();
  const checkout = mkdtempSync(join(tmpdir(), 'herald-checkout-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  // A node_modules symlink (a git worktree sharing its packages) is not ignored by `node_modules/`.
  const files = listed
    .toString('utf8')
    .split('\0')
    .filter((file) => file !== '' && !/(^|\/)node_modules(\/|$)/.test(file))
    .join('\0');
  // Deleted but still tracked files are skipped (tar --ignore-failed-read), as a clone would lack them.
  execFileSync(
    'bash',
    ['-c', `tar --null --ignore-failed-read -cf - -T - 2>/dev/null | tar -xf - -C "${checkout}"`],
    { cwd: root, input: files, maxBuffer: 64 * 1024 * 1024 },
  );
  return checkout;
}

/** The bash block the README marks as the one this test runs. */
function readmeQuickstart(): string {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const marker = readme.indexOf('<!-- test/e2e/up.e2e-spec.ts runs this block');
  const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (marker < 0 || block?.[1] === undefined)
    throw new Error('README.md has no quickstart block for this test');
  return block[1];
}

/** Runs a script as a user's shell would, stopping on the first failing command (bounded: 2 minutes). */
async function runBash(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: projectRoot(),
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A tail waiting for a record that never comes must not hang the test: kill the script's group.
  const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 120_000);
  const status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  clearTimeout(timer);
  return { status, stdout, stderr };
}

/** Waits until the app's consumer reports lag 0 on every partition of `topic` (herald_consumer_lag). */
async function waitForCaughtUp(appUrl: string, topic: string): Promise<void> {
  await waitFor(
    async () => {
      const metrics = await (await fetch(`${appUrl}/metrics`)).text();
      const lags = metrics
        .split('\n')
        .filter((line) => line.startsWith('herald_consumer_lag{') && line.includes(`topic="${topic}"`))
        .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
      return lags.length > 0 && lags.every((lag) => lag === 0);
    },
    { timeoutMs: 150_000, intervalMs: 1_000, description: `the audit app to catch up with ${topic}` },
  );
}
