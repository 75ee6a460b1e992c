/**
 * The CloudEvents body format on real Kafka, PostgreSQL, registry and HTTP: the same events reach a
 * `cloudevents` endpoint as CloudEvents 1.0 in structured mode (validated by the CloudEvents SDK)
 * and a `standard` endpoint as Herald's JSON, both signed over the bytes sent (verified with the
 * standardwebhooks package); a pinned `cloudevents` endpoint gets the pinned version's data; a
 * format changed while a delivery is being retried applies to its next attempt; and the app's pins
 * (GET /v1/pins) are what `herald webhooks pins` exports and `herald schemas check --pins` reads.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudEvent, HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { projectRoot } from '@app/config';
import { waitFor } from '@app/testing';
import { ADMIN_TOKEN, Receiver, WebhooksPipeline, type ReceivedRequest } from './webhooks-pipeline-kit';

jest.setTimeout(120_000);

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const CLOUDEVENTS_JSON = 'application/cloudevents+json';

interface StandardBody {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly time: string;
  readonly source: string;
  readonly subject: string | null;
  readonly data: Record<string, unknown>;
}

/** The built CLI as a user runs it; its exit code instead of a throw. */
async function herald(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string }> {
  const run = promisify(execFile)(process.execPath, [join(projectRoot(), 'bin', 'herald.js'), ...args], {
    env: { ...process.env, ...env },
  });
  return run.then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      status: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

/** The body, once its Standard Webhooks signature verified (throws otherwise). */
function verified(secret: string, request: ReceivedRequest): unknown {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}

/** The request as a receiver using the CloudEvents SDK reads it; throws unless it is a valid CloudEvent. */
function cloudEventOf(request: ReceivedRequest): CloudEvent<Record<string, unknown>> {
  const event = HTTP.toEvent({ headers: request.headers, body: request.body }) as CloudEvent<
    Record<string, unknown>
  >;
  expect(event.validate()).toBe(true);
  return event;
}

describe('webhooks CloudEvents body format (real Kafka, PostgreSQL, registry, HTTP)', () => {
  const pipeline = new WebhooksPipeline();
  const receivers: Receiver[] = [];
  const receiver = async (): Promise<Receiver> => {
    const started = await new Receiver().start();
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    await pipeline.setUp();
    // Twelve quick attempts: room for a format change between two attempts of one delivery.
    await pipeline.startApp({ WEBHOOKS_RETRY_SCHEDULE: `0${',200ms'.repeat(11)}` });
  }, 120_000);
  afterAll(async () => {
    await pipeline.tearDown();
    await Promise.all(receivers.map((r) => r.stop()));
  }, 60_000);

  it('delivers the same events as CloudEvents and as standard JSON, each signed over the bytes sent', async () => {
    const [cloud, standard, pinned] = [await receiver(), await receiver(), await receiver()];
    const domain = [`${pipeline.domain}.*`];
    const a = await pipeline.api('POST', '/v1/endpoints', {
      url: cloud.url,
      types: domain,
      format: 'cloudevents',
    });
    const b = await pipeline.api('POST', '/v1/endpoints', { url: standard.url, types: domain });
    const c = await pipeline.api('POST', '/v1/endpoints', {
      url: pinned.url,
      types: [pipeline.type],
      versions: { [pipeline.type]: 1 },
      format: 'cloudevents',
    });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect((await pipeline.api<{ format: string }>('GET', `/v1/endpoints/${b.body.id}`)).body.format).toBe(
      'standard',
    );
    await pipeline.untilDelivering([cloud, standard, pinned]);

    const ids = await pipeline.produce(20);
    const ours = (r: Receiver) => r.requests.filter((q) => ids.includes(String(q.headers['webhook-id'])));
    await waitFor(() => [cloud, standard, pinned].every((r) => ours(r).length >= 20), {
      timeoutMs: 60_000,
      description: '20 deliveries to each endpoint',
    });

    const standardBodies = new Map<string, StandardBody>();
    for (const request of ours(standard)) {
      expect(request.headers['content-type']).toBe('application/json');
      const body = verified(b.body.secret, request) as StandardBody;
      expect(body).toMatchObject({ id: request.headers['webhook-id'], version: 2, source: 'pipeline-test' });
      standardBodies.set(body.id, body);
    }
    expect([...standardBodies.keys()].sort()).toEqual([...ids].sort());

    for (const [r, secret, version] of [
      [cloud, a.body.secret, 2],
      [pinned, c.body.secret, 1],
    ] as const) {
      expect(
        ours(r)
          .map((q) => q.headers['webhook-id'])
          .sort(),
      ).toEqual([...ids].sort());
      for (const request of ours(r)) {
        expect(request.headers['content-type']).toBe(CLOUDEVENTS_JSON);
        expect(request.headers['traceparent']).toBe(TRACEPARENT);
        // Verified over the exact bytes received: the signature covers the CloudEvent as sent.
        const signed = verified(secret, request) as Record<string, unknown>;
        const event = cloudEventOf(request);
        expect(event.toJSON()).toMatchObject({ ...signed, time: expect.any(String) as unknown });
        const same = standardBodies.get(event.id)!;
        expect(event.id).toBe(request.headers['webhook-id']);
        expect(event).toMatchObject({
          specversion: '1.0',
          type: pipeline.type,
          source: 'pipeline-test',
          datacontenttype: 'application/json',
          dataversion: version,
          traceparent: TRACEPARENT,
        });
        expect(signed['time']).toBe(same.time);
        expect(signed).not.toHaveProperty('subject');
        if (version === 2) {
          expect(event.data).toEqual(same.data);
        } else {
          // Pinned: v1-shaped data, as a pinned standard endpoint gets it.
          expect(event.data).not.toHaveProperty('fee_minor');
          expect(event.data).not.toHaveProperty('card');
          expect(event.data).toMatchObject({
            payment_id: same.data['payment_id'],
            amount_minor: same.data['amount_minor'],
            method: 'UNKNOWN',
          });
        }
      }
    }
  });

  it('renders a retried delivery in the format of the moment: a format changed mid-retry applies to the next attempt', async () => {
    const switching = await receiver();
    // Refuses standard bodies and takes CloudEvents: the delivery fails until the format changes.
    switching.respond = (request) =>
      String(request.headers['content-type']).startsWith(CLOUDEVENTS_JSON)
        ? { status: 204 }
        : { status: 500 };
    const created = await pipeline.api('POST', '/v1/endpoints', {
      url: switching.url,
      types: [pipeline.type],
      tenant: 'm-switch',
    });
    expect(created.status).toBe(201);
    await pipeline.untilDeliveringTo(switching, 'm-switch');
    const [id] = await pipeline.produce(1, 'm-switch');
    const attemptsOf = () => switching.requests.filter((r) => r.headers['webhook-id'] === id);
    await waitFor(() => attemptsOf().length > 0, { timeoutMs: 30_000, description: 'the first attempt' });

    const patched = await pipeline.api<{ format: string }>('PATCH', `/v1/endpoints/${created.body.id}`, {
      format: 'cloudevents',
    });
    expect(patched.body.format).toBe('cloudevents');
    const row = await waitFor(
      async () => {
        const d = await pipeline.delivery(id!, created.body.id);
        return d?.status === 'delivered' ? d : undefined;
      },
      { timeoutMs: 20_000, description: 'the retried delivery delivered as a CloudEvent' },
    );

    const attempts = attemptsOf();
    expect(row.attempts).toBe(attempts.length);
    const kinds = attempts.map((r) => String(r.headers['content-type']));
    const last = attempts.at(-1)!;
    expect(kinds[0]).toBe('application/json');
    expect(kinds.at(-1)).toBe(CLOUDEVENTS_JSON);
    // Standard attempts before the change, then CloudEvents only; one webhook-id throughout.
    expect(kinds.slice(kinds.indexOf(CLOUDEVENTS_JSON)).every((k) => k === CLOUDEVENTS_JSON)).toBe(true);
    for (const attempt of attempts) verified(created.body.secret, attempt);
    const first = verified(created.body.secret, attempts[0]!) as StandardBody;
    const event = cloudEventOf(last);
    expect(event.id).toBe(id);
    expect(event.id).toBe(first.id);
    expect(event.data).toEqual(first.data);
  });
  it('exports the pins in use to `herald webhooks pins`, which `herald schemas check --pins` reads', async () => {
    type Pins = { pins: Array<{ type: string; version: number; endpoints: number }> };
    const pinning = async () =>
      (await pipeline.api<Pins>('GET', '/v1/pins')).body.pins.find((p) => p.type === pipeline.type)
        ?.endpoints ?? 0;
    const before = await pinning();
    const created = await pipeline.api('POST', '/v1/endpoints', {
      url: 'http://127.0.0.1:9/never-called',
      types: [pipeline.type],
      versions: { [pipeline.type]: 1 },
    });
    expect(created.status).toBe(201);
    await pipeline.api('PATCH', `/v1/endpoints/${created.body.id}`, { enabled: false });
    const served = await pipeline.api<Pins>('GET', '/v1/pins');
    expect(served.status).toBe(200);
    expect(served.body).toEqual({ pins: [{ type: pipeline.type, version: 1, endpoints: before + 1 }] });
    const env = { WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN };
    const exported = await herald(['webhooks', 'pins', '--json', '--url', pipeline.url], env);
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual(served.body);

    // The app's catalog, outside git, changed as a pull request might: at BACKWARD, a v3 may drop
    // `currency`, which version 1 needs. The check reads the pins from the app and refuses it.
    const catalog = await mkdtemp(join(tmpdir(), 'herald-pins-catalog-'));
    try {
      const folder = join(catalog, pipeline.domain, pipeline.type);
      await mkdir(folder, { recursive: true });
      await cp(join(projectRoot(), 'schemas', 'payments', 'payments.payment.received'), folder, {
        recursive: true,
      });
      const yaml = await readFile(join(folder, 'event.yaml'), 'utf8');
      await writeFile(
        join(folder, 'event.yaml'),
        yaml.replace(/^compatibility: .*$/m, 'compatibility: BACKWARD'),
      );
      const v2 = JSON.parse(await readFile(join(folder, 'v2.avsc'), 'utf8')) as {
        fields: Array<{ name: string }>;
      };
      const v3 = { ...v2, fields: v2.fields.filter((f) => f.name !== 'currency') };
      await writeFile(join(folder, 'v3.avsc'), JSON.stringify(v3, null, 2));

      const checked = await herald(
        ['schemas', 'check', '--dir', catalog, '--format', 'json', '--pins', pipeline.url],
        // The catalog is outside git, so there is no base: under CI the check would refuse to run
        // alone (exit 2, tested in the CLI's own tests); the pins are what this test is about.
        { ...env, CI: '' },
      );
      expect(checked.stderr).toContain(
        `herald: checked 1 pinned version (${before + 1} endpoint pin${before === 0 ? '' : 's'}) from ${pipeline.url}/v1/pins`,
      );
      expect(checked.status).toBe(1);
      const violations = (JSON.parse(checked.stdout) as { violations: Array<Record<string, unknown>> })
        .violations;
      expect(violations.filter((v) => v['rule'] === 'pinned-version')).toEqual([
        expect.objectContaining({
          file: expect.stringMatching(new RegExp(`${pipeline.type}/v3\\.avsc$`)) as unknown,
          message: expect.stringMatching(
            new RegExp(
              `^v3 cannot be read by version 1, which ${before + 1} webhook endpoints? pins? .*currency`,
            ),
          ) as unknown,
        }),
      ]);
    } finally {
      await rm(catalog, { recursive: true, force: true });
    }
  });
});
