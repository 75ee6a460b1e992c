/**
 * `herald webhooks listen` end to end: the built CLI registers a temporary endpoint on the built
 * webhooks app (loopback allowed by WEBHOOKS_ALLOWLIST), events produced as the gateway writes
 * them arrive, each prints one line (type, id, version, attempt, status) and is forwarded with the
 * same body and headers (the forwarded request verifies with `standardwebhooks`); the forward
 * target's status is what the app records, so a 500 is retried (attempt 2). Without --forward-to
 * it answers 200 and prints the payload. SIGTERM removes the endpoint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { projectRoot } from '@app/config';
import { waitFor } from '@app/testing';
import { ADMIN_TOKEN, Receiver, WebhooksPipeline, type ReceivedRequest } from './webhooks-pipeline-kit';

jest.setTimeout(180_000);

interface Listening {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

const webhookId = (r: ReceivedRequest): string => String(r.headers['webhook-id']);

describe('herald webhooks listen (built CLI and app, real Kafka, PostgreSQL)', () => {
  const pipeline = new WebhooksPipeline();
  const forwardTarget = new Receiver();
  const children: ChildProcess[] = [];

  const listen = (args: string[]): Listening => {
    const child = spawn(
      process.execPath,
      [join(projectRoot(), 'bin', 'herald.js'), 'webhooks', 'listen', ...args],
      {
        env: { ...process.env, WEBHOOKS_URL: pipeline.url, WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, stdout: () => stdout, stderr: () => stderr, exited };
  };

  const ready = async (listening: Listening): Promise<{ endpointId: string; secret: string }> => {
    const [, endpointId, secret] = await waitFor(
      () =>
        /Ready: endpoint (ep_\S+) [\s\S]*Signing secret: (whsec_\S+)/.exec(listening.stderr()) ?? undefined,
      {
        timeoutMs: 30_000,
        description: `herald webhooks listen to be ready (stderr: ${listening.stderr()})`,
      },
    );
    return { endpointId: endpointId!, secret: secret! };
  };

  beforeAll(async () => {
    await pipeline.setUp(2);
    await pipeline.startApp();
    await forwardTarget.start();
  }, 120_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await forwardTarget.stop();
    await pipeline.tearDown();
  }, 60_000);

  it('verifies, prints and forwards each event, retries what the target refuses, and removes its endpoint on SIGTERM', async () => {
    const failedOnce = new Set<string>();
    const refused: { id?: string } = {};
    forwardTarget.respond = (request) => {
      const id = webhookId(request);
      if (id === refused.id && !failedOnce.has(id)) {
        failedOnce.add(id);
        return { status: 500 };
      }
      return { status: 202 };
    };
    const listening = listen(['--forward-to', forwardTarget.url, '--types', pipeline.type]);
    const { endpointId, secret } = await ready(listening);
    // The fan-out sees the new endpoint within its directory refresh: probe until one arrives.
    await pipeline.untilDelivering([forwardTarget]);

    const [first, second] = await pipeline.produce(2, 'm-listen');
    refused.id = second;
    await waitFor(
      () =>
        [first, second].every(
          (id) =>
            forwardTarget.requests.filter((r) => webhookId(r) === id).length === (id === second ? 2 : 1),
        ),
      {
        timeoutMs: 30_000,
        description: 'both events forwarded (the refused one twice)',
      },
    );
    const lines = await waitFor(() => {
      const out = listening.stdout().split('\n');
      const ours = out.filter((l) => l.includes(first!) || l.includes(second!));
      return ours.length === 3 && ours;
    });
    // The two events may be delivered in either order (concurrent attempts); each event's own lines
    // are in order.
    const type = pipeline.type.replace(/\./g, '\\.');
    expect(lines.filter((l) => l.includes(first!))).toEqual([
      expect.stringMatching(new RegExp(`  ${type}  ${first}  v2  attempt 1  -> 202$`)),
    ]);
    expect(lines.filter((l) => l.includes(second!))).toEqual([
      expect.stringMatching(new RegExp(`  ${type}  ${second}  v2  attempt 1  -> 500$`)),
      expect.stringMatching(new RegExp(`  ${type}  ${second}  v2  attempt 2  -> 202$`)),
    ]);
    // Forwarded as received: the target verifies it with the endpoint's secret.
    for (const request of forwardTarget.requests.filter((r) => webhookId(r) === first)) {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      const event = new Webhook(secret).verify(request.body, headers) as { id: string; type: string };
      expect(event).toMatchObject({ id: first, type: pipeline.type });
      expect(headers['content-type']).toBe('application/json');
      expect(headers['user-agent']).toBe('Herald-Webhooks/1');
    }
    // What the app recorded is the target's answer.
    expect(await pipeline.attemptOutcomes(second!, endpointId)).toEqual(['http_500', 'delivered']);

    listening.child.kill('SIGTERM');
    expect(await listening.exited).toBe(0);
    expect(listening.stderr()).toContain(`Removed endpoint ${endpointId}.`);
    expect((await pipeline.api('GET', `/v1/endpoints/${endpointId}`)).status).toBe(404);
  });

  it('answers 200 and prints the payload without --forward-to', async () => {
    const listening = listen(['--types', pipeline.type]);
    const { endpointId } = await ready(listening);
    let produced: string[] = [];
    await waitFor(
      async () => {
        if (produced.some((id) => listening.stdout().includes(id))) return true;
        produced = [...produced, ...(await pipeline.produce(1, 'm-print'))];
        return false;
      },
      { timeoutMs: 30_000, intervalMs: 300, description: 'an event printed by the listener' },
    );
    const id = produced.find((p) => listening.stdout().includes(p))!;
    expect(listening.stdout()).toMatch(new RegExp(`  ${id}  v2  attempt 1  -> 200\\n\\{\\n  "id": "${id}"`));
    expect(listening.stdout()).toContain('"merchant_id": "m-print"');
    expect(await pipeline.attemptOutcomes(id, endpointId)).toEqual(['delivered']);
    listening.child.kill('SIGINT');
    expect(await listening.exited).toBe(0);
    expect((await pipeline.api('GET', `/v1/endpoints/${endpointId}`)).status).toBe(404);
  });
});
