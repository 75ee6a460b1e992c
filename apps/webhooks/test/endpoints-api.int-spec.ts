/**
 * The endpoints admin API on the real PostgreSQL (in-process Fastify, EndpointsApiModule with a
 * fake destination policy): the admin token, create with a Standard Webhooks secret stored
 * encrypted, get, paginated list, update (enable/disable, pins), delete, secret rotation with
 * its overlap, the body format, the pins in use (GET /v1/pins), and the adapters the fan-out and
 * the workers use (directory, signing secrets).
 */
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { sql } from 'kysely';
import { Readable } from 'node:stream';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '@app/testing';
import { ENDPOINT_DIRECTORY, SIGNING_SECRETS } from '../src/api/endpoints-api.module';
import type { EndpointDirectory, SigningSecrets } from '../src/domain/ports';
import { SecretCipher } from '../src/secrets/secret-cipher';
import { secretContext } from '../src/secrets/webhook-secret';
import {
  ADMIN_TOKEN,
  ENCRYPTION_KEYS,
  endpointBody,
  PUBLIC_URL,
  startEndpointsApi,
  type EndpointsApi,
  type EndpointView,
  type RequestOptions,
} from './webhooks-api-kit';

const PROBLEM_JSON = /^application\/problem\+json(;|$)/;

describe('endpoints admin API (in-process, real PostgreSQL)', () => {
  let api: EndpointsApi;

  beforeAll(async () => {
    // A long periodic refresh: the directory tests prove the NOTIFY path.
    api = await startEndpointsApi({ directoryRefreshMs: 60_000 });
  });

  afterAll(async () => {
    await api.close();
  });

  const create = async (overrides: Record<string, unknown> = {}) => {
    const answer = await api.request('POST', '/v1/endpoints', { body: endpointBody(overrides) });
    expect(answer.status).toBe(201);
    return answer.endpoint() as EndpointView & { secret: string };
  };

  describe('admin token', () => {
    it.each<[string, RequestOptions]>([
      ['no Authorization header', { token: null }],
      ['a wrong token', { token: 'not-the-admin-token-at-all-123456' }],
      ['a prefix of the token', { token: ADMIN_TOKEN.slice(0, -1) }],
      [
        'basic auth',
        { headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` } },
      ],
      ['the token without the Bearer scheme', { headers: { authorization: ADMIN_TOKEN } }],
    ])('refuses %s with 401 problem+json, before reading the body', async (_name, options) => {
      const before = await api.counts();
      for (const [method, url] of [
        ['POST', '/v1/endpoints'],
        ['GET', '/v1/endpoints'],
        ['GET', '/v1/endpoints/ep_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'],
        ['DELETE', '/v1/endpoints/ep_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'],
        ['GET', '/v1/deliveries'],
      ] as const) {
        // A body that is not JSON: the token is checked first, so it is never parsed.
        const answer = await api.request(method, url, {
          ...options,
          body: method === 'POST' ? '{"url": not json' : undefined,
          headers: { ...options.headers, 'content-type': 'application/json' },
        });
        expect(answer.status).toBe(401);
        expect(answer.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(answer.problem().errors).toEqual([{ path: '/', message: expect.any(String) as unknown }]);
      }
      expect(await api.counts()).toEqual(before);
    });

    it('accepts the token with any case of "Bearer"; health and metrics stay open', async () => {
      const listed = await api.request('GET', '/v1/endpoints', {
        headers: { authorization: `bearer ${ADMIN_TOKEN}` },
      });
      expect(listed.status).toBe(200);
      expect((await api.request('GET', '/health/live', { token: null })).status).toBe(200);
      expect((await api.request('GET', '/metrics', { token: null })).status).toBe(200);
      const ready = await api.request('GET', '/health/ready', { token: null });
      expect((ready.body as { checks: Record<string, unknown> }).checks['endpoint-directory']).toEqual({
        status: 'up',
      });
    });
  });

  it('documents every route in OpenAPI, behind bearer auth', () => {
    const document = SwaggerModule.createDocument(api.app, new DocumentBuilder().build());
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /v1/endpoints',
        'GET /v1/endpoints',
        'GET /v1/endpoints/{id}',
        'PATCH /v1/endpoints/{id}',
        'DELETE /v1/endpoints/{id}',
        'POST /v1/endpoints/{id}/secret/rotate',
        'GET /v1/pins',
      ]) as unknown,
    );
    expect(document.paths['/v1/pins']!.get!.security).toEqual([{ bearer: [] }]);
    const create = document.paths['/v1/endpoints']!.post!;
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['201', '401', '413', '415', '422']) as unknown,
    );
  });

  it('creates an endpoint with a Standard Webhooks secret shown once and stored encrypted', async () => {
    const created = await create({
      tenant: 'merchant-42',
      versions: { 'orders.order.shipped': 1 },
      rateLimit: 50,
      ordered: true,
      description: 'Shop ERP',
      metadata: { team: 'erp', 'cost/centre': '42' },
    });
    expect(created).toEqual({
      id: expect.stringMatching(
        /^ep_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ) as unknown,
      url: PUBLIC_URL,
      description: 'Shop ERP',
      types: ['payments.*', 'orders.order.shipped'],
      tenant: 'merchant-42',
      versions: { 'orders.order.shipped': 1 },
      format: 'standard',
      rateLimit: 50,
      ordered: true,
      metadata: { team: 'erp', 'cost/centre': '42' },
      enabled: true,
      disabledReason: null,
      createdAt: expect.any(String) as unknown,
      updatedAt: expect.any(String) as unknown,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+={0,2}$/) as unknown,
    });
    const key = Buffer.from(created.secret.slice('whsec_'.length), 'base64');
    expect(key.length).toBeGreaterThanOrEqual(24);
    expect(key.length).toBeLessThanOrEqual(64);

    // The receiver's side: the standardwebhooks package takes the secret as it was shown.
    const webhook = new Webhook(created.secret);
    const body = JSON.stringify({ id: 'evt-1' });
    const signature = webhook.sign('evt-1', new Date(), body);
    const headers = {
      'webhook-id': 'evt-1',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': signature,
    };
    expect(webhook.verify(body, headers)).toEqual({ id: 'evt-1' });

    // Never again in clear: not in GET, not in the table.
    const fetched = await api.request('GET', `/v1/endpoints/${created.id}`);
    expect(fetched.status).toBe(200);
    const { secret: _secret, ...withoutSecret } = created;
    expect(fetched.body).toEqual(withoutSecret);
    const { rows } = await sql<{ key_id: string; ciphertext: Buffer; expires_at: Date | null }>`
      SELECT key_id, ciphertext, expires_at FROM endpoint_secrets WHERE endpoint_id = ${created.id}`.execute(
      api.schema.db,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_id).toBe('k2');
    expect(rows[0]!.expires_at).toBeNull();
    expect(rows[0]!.ciphertext.includes(key)).toBe(false);
    // AES-256-GCM under the first configured key, bound to this endpoint.
    const cipher = new SecretCipher(ENCRYPTION_KEYS);
    expect(cipher.open({ keyId: 'k2', ciphertext: rows[0]!.ciphertext }, secretContext(created.id))).toEqual(
      key,
    );
    expect(() =>
      cipher.open({ keyId: 'k2', ciphertext: rows[0]!.ciphertext }, secretContext('ep_other')),
    ).toThrow();
  });

  it('stores the URL as it will be called and checks it with the destination policy', async () => {
    const created = await create({ url: 'HTTPS://Hooks.Example.COM:443/a/../b?x=1' });
    expect(created.url).toBe('https://hooks.example.com/b?x=1');
    expect(api.policy.checked).toContain('https://hooks.example.com/b?x=1');
  });

  it('accepts a chunked body under the limit, multi-byte characters split across chunks', async () => {
    const json = Buffer.from(JSON.stringify(endpointBody({ description: 'café ☃ 🎉' })));
    const at = json.indexOf(Buffer.from('☃')) + 1; // inside the snowman's three bytes
    const answer = await api.request('POST', '/v1/endpoints', {
      body: Readable.from([json.subarray(0, at), json.subarray(at)]),
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    expect(answer.status).toBe(201);
    expect(answer.endpoint().description).toBe('café ☃ 🎉');
  });

  it('lists every endpoint once, in creation order, page by page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create({ description: `page ${i}` })).id);
    const seen: string[] = [];
    let cursor = '';
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(50);
      const page = await api.request('GET', `/v1/endpoints?limit=3${cursor}`);
      expect(page.status).toBe(200);
      expect(page.page().items.length).toBeLessThanOrEqual(3);
      for (const item of page.page().items) expect(item.secret).toBeUndefined();
      seen.push(...page.page().items.map((i) => i.id));
      if (!page.page().hasMore) {
        expect(page.page().nextCursor).toBeNull();
        break;
      }
      cursor = `&cursor=${page.page().nextCursor}`;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
    expect(seen).toEqual(expect.arrayContaining(ids) as unknown);
    const all = await api.request('GET', '/v1/endpoints?limit=100');
    expect(all.page().items.map((i) => i.id)).toEqual(seen);
    expect((await api.request('GET', '/v1/endpoints')).page().items.length).toBe(Math.min(20, seen.length));
  });

  it('updates fields, disables and re-enables (clearing the reason and the failure clock)', async () => {
    const { id, updatedAt } = await create({ tenant: 't-1', rateLimit: 5, metadata: { a: '1' } });
    const patched = await api.request('PATCH', `/v1/endpoints/${id}`, {
      body: {
        description: 'new',
        tenant: null,
        rateLimit: null,
        versions: { 'payments.payment.received': 1 },
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id,
      description: 'new',
      tenant: null,
      rateLimit: null,
      versions: { 'payments.payment.received': 1 },
      metadata: { a: '1' },
      types: ['payments.*', 'orders.order.shipped'],
    });
    expect(Date.parse(patched.endpoint().updatedAt)).toBeGreaterThanOrEqual(Date.parse(updatedAt));

    const disabled = await api.request('PATCH', `/v1/endpoints/${id}`, { body: { enabled: false } });
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'disabled through the admin API' });
    // A worker disabled it for failing (another reason), and its failure clock runs.
    await sql`UPDATE endpoints SET disabled_reason = 'receiver answered 410 Gone', failing_since = now()
              WHERE id = ${id}`.execute(api.schema.db);
    const stillDisabled = await api.request('PATCH', `/v1/endpoints/${id}`, { body: { enabled: false } });
    expect(stillDisabled.endpoint().disabledReason).toBe('receiver answered 410 Gone');

    const enabled = await api.request('PATCH', `/v1/endpoints/${id}`, { body: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
    const { rows } = await sql<{ failing_since: Date | null }>`
      SELECT failing_since FROM endpoints WHERE id = ${id}`.execute(api.schema.db);
    expect(rows[0]!.failing_since).toBeNull();

    const unchanged = await api.request('PATCH', `/v1/endpoints/${id}`, { body: {} });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toEqual((await api.request('GET', `/v1/endpoints/${id}`)).body);
  });

  it('stores the body format, answers it everywhere, and changes it alone with PATCH', async () => {
    const created = await create({ format: 'cloudevents' });
    expect(created.format).toBe('cloudevents');
    const { rows } = await sql<{ format: string }>`
      SELECT format FROM endpoints WHERE id = ${created.id}`.execute(api.schema.db);
    expect(rows[0]!.format).toBe('cloudevents');
    expect((await api.request('GET', `/v1/endpoints/${created.id}`)).endpoint().format).toBe('cloudevents');
    const listed = (await api.request('GET', '/v1/endpoints?limit=100')).page().items;
    expect(listed.find((e) => e.id === created.id)?.format).toBe('cloudevents');

    const patched = await api.request('PATCH', `/v1/endpoints/${created.id}`, {
      body: { format: 'standard' },
    });
    expect(patched.status).toBe(200);
    const { secret: _secret, updatedAt: _before, ...unchanged } = created;
    expect(patched.body).toEqual({
      ...unchanged,
      format: 'standard',
      updatedAt: expect.any(String) as unknown,
    });
    await waitFor(
      async () =>
        (await api.app.get<EndpointDirectory>(ENDPOINT_DIRECTORY).enabledEndpoints()).find(
          (e) => e.id === created.id,
        )?.format === 'standard',
      { timeoutMs: 3_000, description: 'the directory sees the new format' },
    );
  });

  it('lists the pins in use per type and version, disabled endpoints included (GET /v1/pins)', async () => {
    type Pins = { pins: Array<{ type: string; version: number; endpoints: number }> };
    const pins = async () => {
      const answer = await api.request('GET', '/v1/pins');
      expect(answer.status).toBe(200);
      return (answer.body as Pins).pins;
    };
    const count = (list: Pins['pins'], type: string, version: number) =>
      list.find((p) => p.type === type && p.version === version)?.endpoints ?? 0;
    const before = await pins();

    const types = ['*'];
    await create({ types, versions: { 'legacy.item.changed': 2, 'orders.order.shipped': 1 } });
    await create({ types, versions: { 'legacy.item.changed': 2 } });
    const disabled = await create({ types, versions: { 'legacy.item.changed': 3 } });
    await api.request('PATCH', `/v1/endpoints/${disabled.id}`, { body: { enabled: false } });
    await create({ types });

    const after = await pins();
    expect(count(after, 'legacy.item.changed', 2) - count(before, 'legacy.item.changed', 2)).toBe(2);
    expect(count(after, 'legacy.item.changed', 3) - count(before, 'legacy.item.changed', 3)).toBe(1);
    expect(count(after, 'orders.order.shipped', 1) - count(before, 'orders.order.shipped', 1)).toBe(1);
    // Exactly what the endpoints hold, counted from the list, by type then version.
    const all = (await api.request('GET', '/v1/endpoints?limit=100')).page();
    expect(all.hasMore).toBe(false);
    const counted = new Map<string, number>();
    for (const e of all.items) {
      for (const [type, version] of Object.entries(e.versions)) {
        counted.set(`${type}@${version}`, (counted.get(`${type}@${version}`) ?? 0) + 1);
      }
    }
    expect(after.map((p) => [`${p.type}@${p.version}`, p.endpoints])).toEqual(
      [...counted].sort(([a], [b]) => (a < b ? -1 : 1)),
    );

    const withParameter = await api.request('GET', '/v1/pins?type=legacy.item.changed');
    expect(withParameter.status).toBe(400);
    expect(withParameter.problem().errors.map((e) => e.path)).toEqual(['/type']);
    const anonymous = await api.request('GET', '/v1/pins', { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(PROBLEM_JSON);
  });

  it('keeps both fields of two concurrent updates (the row is locked while deciding)', async () => {
    const { id } = await create();
    const updates = Array.from({ length: 10 }, (_, i) =>
      api.request('PATCH', `/v1/endpoints/${id}`, {
        body: i % 2 === 0 ? { description: `d${i}` } : { rateLimit: i + 1 },
      }),
    );
    const answers = await Promise.all(updates);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const final = (await api.request('GET', `/v1/endpoints/${id}`)).endpoint();
    expect(final.description).toMatch(/^d\d$/);
    expect(final.rateLimit).toEqual(expect.any(Number) as unknown);
  });

  it('pins a version only when it can read every later version of its type', async () => {
    const refused = await api.request('POST', '/v1/endpoints', {
      body: endpointBody({ types: ['legacy.*'], versions: { 'legacy.item.changed': 1 } }),
    });
    expect(refused.status).toBe(422);
    const messages = refused
      .problem()
      .errors.map((e: { path: string; message: string }) => `${e.path} ${e.message}`);
    expect(messages).toEqual([
      expect.stringMatching(
        /^\/versions\/legacy\.item\.changed version 1 cannot read version 2 .*colour/,
      ) as unknown,
      expect.stringMatching(/^\/versions\/legacy\.item\.changed version 1 cannot read version 3 /) as unknown,
    ]);
    const pinned = await create({ types: ['legacy.*'], versions: { 'legacy.item.changed': 2 } });
    expect(pinned.versions).toEqual({ 'legacy.item.changed': 2 });
    // Narrowing the types would orphan the pin.
    const orphaned = await api.request('PATCH', `/v1/endpoints/${pinned.id}`, {
      body: { types: ['payments.*'] },
    });
    expect(orphaned.status).toBe(422);
    expect(orphaned.problem().errors[0]!.path).toBe('/versions/legacy.item.changed');
  });

  it('deletes an endpoint with its secrets; unknown ids are 404 on every route', async () => {
    const { id } = await create();
    expect((await api.request('DELETE', `/v1/endpoints/${id}`)).status).toBe(204);
    const { rows } = await sql`SELECT 1 FROM endpoint_secrets WHERE endpoint_id = ${id}`.execute(
      api.schema.db,
    );
    expect(rows).toHaveLength(0);
    for (const [method, url] of [
      ['GET', `/v1/endpoints/${id}`],
      ['PATCH', `/v1/endpoints/${id}`],
      ['DELETE', `/v1/endpoints/${id}`],
      ['POST', `/v1/endpoints/${id}/secret/rotate`],
    ] as const) {
      const answer = await api.request(method, url, method === 'PATCH' ? { body: { description: 'x' } } : {});
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(answer.problem().errors).toEqual([{ path: '/id', message: 'no endpoint has this id' }]);
    }
  });

  describe('secret rotation and the adapters', () => {
    const signingSecrets = () => api.app.get<SigningSecrets>(SIGNING_SECRETS);
    const directory = () => api.app.get<EndpointDirectory>(ENDPOINT_DIRECTORY);

    it('signs with the new and the old secret during the overlap, then with the new one only', async () => {
      const { id, secret: first } = await create();
      expect(await signingSecrets().secretsFor(id, new Date())).toEqual([first]);

      const rotated = await api.request('POST', `/v1/endpoints/${id}/secret/rotate`, {
        body: { overlapMs: 60_000 },
      });
      expect(rotated.status).toBe(200);
      const second: string = rotated.rotated().secret;
      expect(second).toMatch(/^whsec_/);
      expect(second).not.toBe(first);
      const expiresAt = Date.parse(rotated.rotated().previousSecretExpiresAt);
      expect(expiresAt - Date.now()).toBeGreaterThan(50_000);

      // The cache hears of the rotation (NOTIFY) and serves both, the current one first.
      const secrets = await waitFor(async () => {
        const s = await signingSecrets().secretsFor(id, new Date());
        return s.length === 2 ? s : undefined;
      });
      expect(secrets).toEqual([second, first]);

      // Both signatures in one header; each verifies with its own secret.
      const body = '{"id":"evt-9"}';
      const at = new Date();
      const header = secrets.map((s) => new Webhook(s).sign('evt-9', at, body)).join(' ');
      for (const secret of [first, second]) {
        const headers = {
          'webhook-id': 'evt-9',
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': header,
        };
        expect(new Webhook(secret).verify(body, headers)).toEqual({ id: 'evt-9' });
      }

      expect(await signingSecrets().secretsFor(id, new Date(expiresAt + 1))).toEqual([second]);
    });

    it('uses the configured overlap by default, and revokes every old secret with overlapMs 0', async () => {
      const { id, secret: first } = await create();
      const defaultRotation = await api.request('POST', `/v1/endpoints/${id}/secret/rotate`);
      expect(defaultRotation.status).toBe(200);
      const overlap = Date.parse(defaultRotation.rotated().previousSecretExpiresAt) - Date.now();
      expect(overlap).toBeGreaterThan(api.config.WEBHOOKS_SECRET_OVERLAP_MS - 60_000);
      expect(overlap).toBeLessThanOrEqual(api.config.WEBHOOKS_SECRET_OVERLAP_MS);

      const revoke = await api.request('POST', `/v1/endpoints/${id}/secret/rotate`, {
        body: { overlapMs: 0 },
      });
      const third: string = revoke.rotated().secret;
      const secrets = await waitFor(async () => {
        const s = await signingSecrets().secretsFor(id, new Date());
        return s[0] === third ? s : undefined;
      });
      expect(secrets).toEqual([third]);
      expect(secrets).not.toContain(first);
    });

    it('serves enabled endpoints to the fan-out, following creates, updates and deletes at once', async () => {
      const ids = async () => (await directory().enabledEndpoints()).map((e) => e.id);
      const { id } = await create({ tenant: 'directory-test' });
      await waitFor(async () => (await ids()).includes(id), {
        timeoutMs: 3_000,
        description: 'the new endpoint',
      });
      const listed = (await directory().enabledEndpoints()).find((e) => e.id === id);
      expect(listed).toMatchObject({
        tenant: 'directory-test',
        types: ['payments.*', 'orders.order.shipped'],
      });

      await api.request('PATCH', `/v1/endpoints/${id}`, { body: { enabled: false } });
      await waitFor(async () => !(await ids()).includes(id), {
        timeoutMs: 3_000,
        description: 'disabled gone',
      });
      await api.request('PATCH', `/v1/endpoints/${id}`, { body: { enabled: true } });
      await waitFor(async () => (await ids()).includes(id), {
        timeoutMs: 3_000,
        description: 're-enabled back',
      });
      await api.request('DELETE', `/v1/endpoints/${id}`);
      await waitFor(async () => !(await ids()).includes(id), {
        timeoutMs: 3_000,
        description: 'deleted gone',
      });
      expect(await signingSecrets().secretsFor(id, new Date())).toEqual([]);
    });
  });
});
