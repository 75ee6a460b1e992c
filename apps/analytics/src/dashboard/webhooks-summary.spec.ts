import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhooksSummaryReader } from './webhooks-summary';

const TOKEN = 'admin-token-for-the-summary-test';

const stats = (delivered: number, failed: number, attempts: number, successRate: number | null) => ({
  endpointId: 'x',
  deliveries: { pending: 1, delivered, failed },
  successRate,
  attemptsLast24h: attempts,
  latencyMs: { p50: null, p90: null, p99: null },
  lastError: null,
  backlog: { due: 1, scheduled: 2 },
});

/** The two admin routes the summary reads, answered as the webhooks app answers them, two endpoints a page. */
const ROUTES: Record<string, unknown> = {
  '/v1/endpoints?limit=100': { items: [{ id: 'ep_a', enabled: true }], nextCursor: 'c1', hasMore: true },
  '/v1/endpoints?limit=100&cursor=c1': {
    items: [{ id: 'ep_b', enabled: false }],
    nextCursor: null,
    hasMore: false,
  },
  '/v1/endpoints/ep_a/stats': stats(90, 0, 100, 0.9),
  '/v1/endpoints/ep_b/stats': stats(10, 2, 300, 1),
};

/** A loopback URL nothing listens on (a port just released). */
async function closedPort(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('the webhook delivery summary', () => {
  let server: Server;
  let url: string;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end('{}');
      const body = ROUTES[req.url ?? ''];
      if (body === undefined) return void res.writeHead(404).end('{}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('adds up every page of endpoints, weighting success by attempts, without the token in it', async () => {
    const summary = await new WebhooksSummaryReader(url, TOKEN).summary();
    expect(summary).toMatchObject({
      available: true,
      endpoints: 2,
      enabledEndpoints: 1,
      successRate: (0.9 * 100 + 1 * 300) / 400,
      attemptsLast24h: 400,
      deliveries: { pending: 2, delivered: 100, failed: 2 },
      backlog: { due: 2, scheduled: 4 },
      endpointsWithFailures: 1,
      truncated: false,
    });
    expect(JSON.stringify(summary)).not.toContain(TOKEN);
    expect(seen.every((header) => header === `Bearer ${TOKEN}`)).toBe(true);
  });

  it.each([
    ['no URL', undefined, TOKEN, 'WEBHOOKS_URL is empty'],
    ['no token', 'http://127.0.0.1:1', undefined, 'WEBHOOKS_ADMIN_TOKEN is not set'],
    ['a refused token', 'SERVER', 'not-the-token', 'the webhooks app refused WEBHOOKS_ADMIN_TOKEN (401)'],
    ['nothing listening', 'CLOSED', TOKEN, 'did not answer (ECONNREFUSED)'],
  ])('is unavailable, with the reason, for %s', async (_case, target, token, reason) => {
    const at = target === 'SERVER' ? url : target === 'CLOSED' ? await closedPort() : target;
    const summary = await new WebhooksSummaryReader(at, token).summary();
    expect(summary.available).toBe(false);
    expect(summary.reason).toContain(reason);
  });

  it('asks the webhooks app once per cache period', async () => {
    let now = 0;
    const reader = new WebhooksSummaryReader(url, TOKEN, () => now);
    const before = seen.length;
    await reader.summary();
    await reader.summary();
    expect(seen.length - before).toBe(4);
    now = 5_000;
    await reader.summary();
    expect(seen.length - before).toBe(8);
  });
});
