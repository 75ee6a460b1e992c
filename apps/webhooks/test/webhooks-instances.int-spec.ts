/**
 * Two webhooks app instances on one database and consumer group (built app, real Kafka,
 * PostgreSQL, registry, loopback receivers): both instances' workers make attempts, and each
 * event reaches the receiver exactly once (no crash, so no lease ever ends unanswered). Then a
 * secret rotation through the running pipeline: the deliveries that follow carry two signatures,
 * the new one first, and each verifies with its own secret only.
 */
import type { ChildProcess } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '@app/testing';
import { Receiver, WebhooksPipeline, type ReceivedRequest } from './webhooks-pipeline-kit';

jest.setTimeout(120_000);

interface Instance {
  readonly child: ChildProcess;
  readonly url: string;
}

const webhookId = (request: ReceivedRequest): string => String(request.headers['webhook-id']);

/** The sum of `herald_webhooks_attempts_total` over its outcomes, from an instance's /metrics. */
async function attemptsMade(instance: Instance): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('herald_webhooks_attempts_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Verifies `request` with `secret` against one signature of its header. */
function verifiesWith(secret: string, request: ReceivedRequest, signature: string): boolean {
  try {
    new Webhook(secret).verify(request.body, {
      'webhook-id': webhookId(request),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': signature,
    });
    return true;
  } catch {
    return false;
  }
}

describe('webhooks instances and secret rotation (built app, real Kafka, PostgreSQL, registry, HTTP)', () => {
  const pipeline = new WebhooksPipeline();
  const receivers: Receiver[] = [];
  const instances: Instance[] = [];
  const receiver = async (): Promise<Receiver> => {
    const started = await new Receiver().start();
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    await pipeline.setUp();
    // Two processes on the same database and group: startApp twice, each on its own port.
    for (let i = 0; i < 2; i++) {
      await pipeline.startApp();
      instances.push({ child: pipeline.child!, url: pipeline.url });
    }
  }, 120_000);
  afterAll(async () => {
    // tearDown stops the instance started last; the first is stopped here.
    await Promise.all(instances.slice(0, -1).map((instance) => terminate(instance.child)));
    await pipeline.tearDown();
    await Promise.all(receivers.map((r) => r.stop()));
  }, 60_000);

  it('shares the deliveries of 2,000 events between both instances, each delivered once', async () => {
    const shared = await receiver();
    const created = await pipeline.api('POST', '/v1/endpoints', {
      url: shared.url,
      types: [pipeline.type],
      tenant: 'm-shared',
    });
    expect(created.status).toBe(201);
    await pipeline.untilDeliveringTo(shared, 'm-shared');

    const before = await Promise.all(instances.map(attemptsMade));
    const ids = await pipeline.produce(2_000, 'm-shared');
    const produced = new Set(ids);
    const ours = () => shared.requests.filter((r) => produced.has(webhookId(r)));
    await waitFor(() => new Set(ours().map(webhookId)).size === 2_000, {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'every event at the receiver',
    });
    const [row] = await waitFor(
      async () => {
        const rows = await pipeline.query<{ delivered: number; most: number }>(
          `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, max(attempts)::int AS most
           FROM webhooks.deliveries WHERE endpoint_id = $1 AND event_id = ANY($2)`,
          [created.body.id, ids],
        );
        return rows[0]?.delivered === 2_000 && rows;
      },
      { timeoutMs: 10_000, description: 'every delivery recorded as delivered' },
    );
    // One claim and one attempt per delivery, one request per webhook-id at the receiver.
    expect(row).toEqual({ delivered: 2_000, most: 1 });
    expect(ours()).toHaveLength(2_000);

    const after = await Promise.all(instances.map(attemptsMade));
    const made = after.map((n, i) => n - before[i]!);
    expect(made.every((n) => n > 0)).toBe(true);
    // Our 2,000 attempts, and a late probe or two from untilDeliveringTo.
    expect(made.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2_000);
  });

  it('signs the deliveries after a rotation with both secrets, each verifying with its own', async () => {
    const rotating = await receiver();
    const created = await pipeline.api('POST', '/v1/endpoints', {
      url: rotating.url,
      types: [pipeline.type],
      tenant: 'm-rotate',
    });
    expect(created.status).toBe(201);
    const old = created.body.secret;
    await pipeline.untilDeliveringTo(rotating, 'm-rotate');

    const deliveredFor = async (ids: readonly string[]): Promise<ReceivedRequest[]> => {
      const wanted = new Set(ids);
      return waitFor(
        () => {
          const got = rotating.requests.filter((r) => wanted.has(webhookId(r)));
          return new Set(got.map(webhookId)).size === ids.length && got;
        },
        { timeoutMs: 30_000, description: `${ids.length} deliveries` },
      );
    };
    const beforeRotation = await deliveredFor(await pipeline.produce(5, 'm-rotate'));
    for (const request of beforeRotation) {
      const signatures = String(request.headers['webhook-signature']).split(' ');
      expect(signatures).toHaveLength(1);
      expect(verifiesWith(old, request, signatures[0]!)).toBe(true);
    }

    const rotated = await pipeline.api<{ secret: string; previousSecretExpiresAt: string }>(
      'POST',
      `/v1/endpoints/${created.body.id}/secret/rotate`,
    );
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(Date.parse(rotated.body.previousSecretExpiresAt)).toBeGreaterThan(Date.now());

    // The events produced right after the answer: every instance dropped its cached secrets.
    const afterRotation = await deliveredFor(await pipeline.produce(20, 'm-rotate'));
    for (const request of afterRotation) {
      const header = String(request.headers['webhook-signature']);
      expect(header).toMatch(/^v1,\S+ v1,\S+$/);
      const [current, previous] = header.split(' ');
      // The current secret's signature first; each verifies with its own secret only.
      expect(
        [current, previous].map((s) => [verifiesWith(fresh, request, s!), verifiesWith(old, request, s!)]),
      ).toEqual([
        [true, false],
        [false, true],
      ]);
      // A receiver holding either secret accepts the delivery as sent.
      expect([verifiesWith(fresh, request, header), verifiesWith(old, request, header)]).toEqual([
        true,
        true,
      ]);
    }
  });
});
