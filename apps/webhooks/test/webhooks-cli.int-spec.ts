/**
 * `herald webhooks endpoints|deliveries|replay|test|jobs` through the built CLI against the built
 * webhooks app (real Kafka, PostgreSQL, registry, a loopback receiver): each command does what its
 * route does, `--json` prints the API's answer, text is readable, and refusals exit 2 (input the
 * app refused, a missing token) or 1 (not found) with the app's problem.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { uuidv7 } from 'uuidv7';
import { projectRoot } from '@app/config';
import { waitFor } from '@app/testing';
import { ADMIN_TOKEN, Receiver, WebhooksPipeline } from './webhooks-pipeline-kit';

jest.setTimeout(180_000);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('herald webhooks commands (built CLI and app)', () => {
  const pipeline = new WebhooksPipeline();
  const receiver = new Receiver();

  const herald = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(projectRoot(), 'bin', 'herald.js'), 'webhooks', ...args],
        { env: { ...process.env, WEBHOOKS_URL: pipeline.url, WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN, ...env } },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : Number((error as { code?: number }).code), stdout, stderr }),
      );
    });
  const json = async <T>(args: string[]): Promise<T> => {
    const run = await herald([...args, '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(run.stdout) as T;
  };

  beforeAll(async () => {
    await pipeline.setUp(2);
    await pipeline.startApp();
    await receiver.start();
  }, 120_000);
  afterAll(async () => {
    await receiver.stop();
    await pipeline.tearDown();
  }, 60_000);

  it('manages an endpoint: create (secret once), list, get, update, rotate-secret, delete', async () => {
    const created = await json<{ id: string; secret: string; tenant: string; versions: object }>([
      'endpoints',
      'create',
      receiver.url,
      '--types',
      pipeline.type,
      '--tenant',
      'm-cli',
      '--pin',
      `${pipeline.type}=1`,
      '--metadata',
      'team=payments',
    ]);
    expect(created).toMatchObject({ tenant: 'm-cli', versions: { [pipeline.type]: 1 } });
    expect(created.secret).toMatch(/^whsec_/);
    const listed = await json<{ items: { id: string }[] }>(['endpoints', 'list', '--all']);
    expect(listed.items.map((e) => e.id)).toContain(created.id);
    const text = await herald(['endpoints', 'get', created.id]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`id:          ${created.id}\n`);
    expect(text.stdout).toContain(`versions:    ${pipeline.type}=1\n`);
    expect(text.stdout).not.toContain('whsec_');
    expect(await json(['endpoints', 'update', created.id, '--disable', '--no-tenant'])).toMatchObject({
      enabled: false,
      tenant: null,
    });
    expect(await json(['endpoints', 'update', created.id, '--enable'])).toMatchObject({ enabled: true });
    const rotated = await json<{ secret: string }>([
      'endpoints',
      'rotate-secret',
      created.id,
      '--overlap',
      '0',
    ]);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect((await herald(['endpoints', 'delete', created.id])).stdout).toBe(`deleted ${created.id}\n`);
    const gone = await herald(['endpoints', 'get', created.id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`herald webhooks endpoints get: no endpoint has id "${created.id}"`);
  });

  it('sends a test event, shows the delivery with its request and response, retries it, recovers and replays', async () => {
    const created = await json<{ id: string }>([
      'endpoints',
      'create',
      receiver.url,
      '--types',
      pipeline.type,
    ]);
    const sent = await json<{ deliveryId: string; eventId: string }>([
      'test',
      created.id,
      '--type',
      pipeline.type,
    ]);
    await waitFor(() => receiver.requests.some((r) => r.headers['webhook-id'] === sent.eventId));
    const shown = await waitFor(async () => {
      const run = await herald(['deliveries', 'get', sent.deliveryId]);
      return /status: +delivered\n/.test(run.stdout) && run.stdout;
    });
    expect(shown).toMatch(/origin: +test\n/);
    expect(shown).toMatch(/attempt 1 {2}\S+ {2}204 \(delivered\)/);
    expect(shown).toContain(`  request: POST ${receiver.url}\n`);
    expect(shown).toContain(`    webhook-id: ${sent.eventId}\n`);
    const listed = await json<{ items: { id: string; origin: string }[] }>([
      'deliveries',
      'list',
      '--endpoint',
      created.id,
    ]);
    expect(listed.items).toEqual([expect.objectContaining({ id: sent.deliveryId, origin: 'test' })]);
    const retried = await herald(['deliveries', 'retry', sent.deliveryId]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(new RegExp(`^${sent.deliveryId}: pending, due `));
    await waitFor(
      () => receiver.requests.filter((r) => r.headers['webhook-id'] === sent.eventId).length === 2,
    );

    const recovered = await json<{ kind: string; state: string }>([
      'deliveries',
      'recover',
      created.id,
      '--since',
      '1h',
    ]);
    expect(recovered).toMatchObject({ kind: 'recover', state: 'succeeded' });
    const replay = await herald(['replay', created.id, '--since', '1h']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(
      /^replay job_\S+ \(ep_\S+\): succeeded, (\d+) of \1 records read; \d+ deliveries/,
    );
    const queued = await json<{ state: string; id: string }>([
      'replay',
      created.id,
      '--since',
      '1h',
      '--no-wait',
    ]);
    expect(queued.state).toBe('queued');
    const followed = await json<{ state: string }>(['jobs', 'get', queued.id, '--wait']);
    expect(followed.state).toBe('succeeded');
    const jobs = await json<{ items: { kind: string }[] }>(['jobs', 'list', '--endpoint', created.id]);
    expect(jobs.items.map((j) => j.kind)).toEqual(['replay', 'replay', 'recover']);
    const ended = await herald(['jobs', 'cancel', queued.id]);
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain('already ended (succeeded)');
  });

  it('exits 2 for input the app refuses or a missing token, naming the problem', async () => {
    const refused = await herald([
      'endpoints',
      'create',
      'ftp://hooks.example.com/',
      '--types',
      pipeline.type,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^herald webhooks endpoints create: .*\/url/);
    const badTime = await herald(['replay', `ep_${uuidv7()}`, '--since', 'yesterday']);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('--since');
    const noToken = await herald(['endpoints', 'list'], { WEBHOOKS_ADMIN_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('WEBHOOKS_ADMIN_TOKEN is not set');
    const wrongToken = await herald(['jobs', 'list'], {
      WEBHOOKS_ADMIN_TOKEN: 'not-the-token-0123456789abcdef',
    });
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.stderr).toContain('refused the admin token');
    const unknown = await herald(['deliveries', 'get', `dlv_${uuidv7()}`]);
    expect(unknown.code).toBe(1);
  });
});
