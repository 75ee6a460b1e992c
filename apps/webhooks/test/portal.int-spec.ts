/**
 * The operators' portal (`GET /` of the webhooks app), end to end in headless Chromium against the
 * built app on real Kafka and PostgreSQL: sign in with the admin token, create an endpoint (its
 * secret shown once and copied), see a published event's delivery arrive, inspect its attempts,
 * watch a failing receiver's attempts, retry, send a test event, edit, disable, rotate, recover,
 * replay and delete; all without a console error, an uncaught exception or a policy violation,
 * with attacker-controlled text (descriptions, metadata, response bodies and headers) shown as
 * text. A second page does sign-in and creation with the keyboard only. Screenshots go to
 * test-artifacts/portal/. Needs `npm run build` and /usr/bin/chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { launchChromium, waitFor, WatchedPage } from '@app/testing';
import {
  ARTIFACTS,
  clipboardText,
  focused,
  pageGlobal,
  ScriptedReceiver,
  sessionStorageLength,
} from './portal-support';
import { ADMIN_TOKEN, WebhooksPipeline } from './webhooks-pipeline-kit';

interface DeliveryBody {
  readonly id: string;
  readonly eventId: string;
  readonly status: string;
  readonly attempts: number;
}

const HOSTILE_DESCRIPTION = '<img src=x onerror="window.__owned=1"> Billing receiver';
const HOSTILE_BODY = '<script>window.__owned = 2</script><h1>down for maintenance</h1>';

/** Chromium logs each 4xx answer a fetch got as a console error: a test that provokes one takes out exactly that line. */
function takeExpectedStatus(problems: string[], status: number): void {
  const at = problems.findIndex((problem) =>
    problem.includes(`the server responded with a status of ${status}`),
  );
  expect(at).toBeGreaterThanOrEqual(0);
  problems.splice(at, 1);
}

describe('the webhooks portal in headless Chromium', () => {
  const pipeline = new WebhooksPipeline();
  const receiver = new ScriptedReceiver();
  let browser: Browser;

  beforeAll(async () => {
    await pipeline.setUp(1);
    await pipeline.startApp();
    await receiver.start();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await receiver.stop();
    await pipeline.tearDown();
  }, 60_000);

  async function openPage(): Promise<WatchedPage> {
    const watched = await WatchedPage.open(browser, ARTIFACTS);
    // The secret's copy button writes the clipboard; the test reads it back.
    await watched.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    return watched;
  }

  const api = <T>(method: string, path: string, body?: unknown) => pipeline.api<T>(method, path, body);

  async function deliveryOf(eventId: string, endpointId: string, status?: string): Promise<DeliveryBody> {
    return waitFor(
      async () => {
        const page = await api<{ items: DeliveryBody[] }>(
          'GET',
          `/v1/deliveries?endpoint=${endpointId}&limit=100`,
        );
        const found = page.body.items.find((d) => d.eventId === eventId);
        return found !== undefined && (status === undefined || found.status === status) && found;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        description: `the delivery of ${eventId}${status ? ` ${status}` : ''}`,
      },
    );
  }

  /** Probe events until the new endpoint is in the fan-out's directory (a request arrived). */
  async function untilDelivering(merchant: string): Promise<void> {
    const before = receiver.requests.length;
    await waitFor(
      async () => receiver.requests.length > before || (await pipeline.produce(1, merchant), false),
      { timeoutMs: 30_000, intervalMs: 300, description: 'the new endpoint to receive a probe event' },
    );
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${pipeline.url}/`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Endpoints', level: 2 }).waitFor();
  }

  /** Clicks Refresh until `probe` finds what it waits for on the page. */
  async function refreshUntil(page: Page, probe: () => Promise<boolean>, description: string): Promise<void> {
    await waitFor(
      async () => (await probe()) || (await page.getByRole('button', { name: 'Refresh' }).click(), false),
      { timeoutMs: 30_000, intervalMs: 300, description },
    );
  }

  async function status(page: Page, text: string): Promise<void> {
    await page.locator('#status').filter({ hasText: text }).waitFor();
  }

  it('serves the page and its scripts without the token under a strict policy, beside an unchanged API', async () => {
    const page = await fetch(`${pipeline.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy.split('; ')).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "form-action 'none'",
      ]),
    );
    expect(policy).not.toContain('unsafe');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);

    const script = await fetch(`${pipeline.url}/portal/main.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^(application|text)\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.headers.get('content-security-policy')).toBe(policy);
    for (const path of [
      '/portal/main.ts',
      '/portal/tsconfig.json',
      '/portal/%2e%2e/portal.module.js',
      '/portal/',
    ]) {
      const refused = await fetch(`${pipeline.url}${path}`);
      expect([path, refused.status]).toEqual([path, 404]);
    }
    const css = await fetch(`${pipeline.url}/portal/portal.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);

    const openapi = (await (await fetch(`${pipeline.url}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    const described = Object.keys(openapi.paths).filter((path) => !path.startsWith('/v1/'));
    expect(described.sort()).toEqual(['/health/live', '/health/ready', '/metrics']); // the portal is not API
    expect((await fetch(`${pipeline.url}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${pipeline.url}/metrics`)).text()).toContain('herald_webhooks_');
    expect((await fetch(`${pipeline.url}/v1/endpoints`)).status).toBe(401);
  });

  it('operates an endpoint end to end: create, deliveries, attempts, retry, test event, edit, rotate, recover, replay, delete', async () => {
    const watched = await openPage();
    const { page } = watched;
    try {
      await page.goto(`${pipeline.url}/`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await watched.accessibilityViolations()).toEqual([]);
      await watched.screenshot('01-sign-in');
      await signIn(page);

      // Create: the secret is shown once, and copied by its button.
      await page.getByRole('link', { name: 'Create an endpoint' }).click();
      await page.getByLabel('URL').fill(receiver.url);
      await page.getByLabel('Description').fill(HOSTILE_DESCRIPTION);
      await page.getByLabel('Event types').fill(pipeline.type);
      await page.getByLabel('Metadata').fill('team=<b>payments</b>');
      expect(await watched.accessibilityViolations()).toEqual([]);
      await page.getByRole('button', { name: 'Create endpoint' }).click();
      await page.getByRole('heading', { name: 'Endpoint created' }).waitFor();
      const secret = await page.getByLabel('Signing secret (shown only now)').inputValue();
      expect(secret).toMatch(/^whsec_/);
      await page.getByRole('button', { name: 'Copy secret' }).click();
      await status(page, 'copied');
      expect(await clipboardText(page)).toBe(secret);
      await watched.screenshot('02-endpoint-created');
      await page.getByRole('link', { name: 'Go to the endpoint' }).click();
      const title = page.getByRole('heading', { level: 2 });
      await title.filter({ hasText: 'Billing receiver' }).waitFor();
      expect(await title.textContent()).toBe(`Endpoint ${HOSTILE_DESCRIPTION}`);
      expect(await page.getByText('team=<b>payments</b>').count()).toBe(1);
      expect(await page.locator('main img, main b').count()).toBe(0);
      const endpointId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
      expect(endpointId).toMatch(/^ep_/);
      expect((await api('GET', `/v1/endpoints/${endpointId}`)).body).toMatchObject({
        description: HOSTILE_DESCRIPTION,
      });
      expect(await watched.accessibilityViolations()).toEqual([]);

      // A published event's delivery arrives, signed with the secret shown.
      await untilDelivering('probe');
      const [eventId] = await pipeline.produce(1, 'm-portal');
      const request = await receiver.received(eventId!);
      expect(() =>
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
      ).not.toThrow();
      const delivered = await deliveryOf(eventId!, endpointId, 'delivered');
      await page.getByRole('navigation').getByRole('link', { name: 'Deliveries' }).click();
      await page.getByLabel('Endpoint', { exact: true }).selectOption(endpointId);
      await page.getByLabel('Event type').fill(pipeline.type);
      await page.getByRole('button', { name: 'Show deliveries' }).click();
      const deliveredRow = page
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: delivered.id }) });
      await refreshUntil(page, async () => (await deliveredRow.count()) === 1, 'the delivery in the list');
      expect(await deliveredRow.textContent()).toContain('delivered');
      expect(new URL(page.url()).hash).toContain(`endpoint=${endpointId}`);
      expect(await watched.accessibilityViolations()).toEqual([]);
      await watched.screenshot('03-deliveries');

      // Its attempt, with the request and the response.
      await deliveredRow.getByRole('link', { name: delivered.id }).click();
      await page.getByRole('heading', { name: `Delivery ${delivered.id}` }).waitFor();
      const first = page
        .locator('details.attempt')
        .filter({ has: page.getByRole('heading', { name: /^Attempt 1: delivered/ }) });
      const firstText = await first.textContent();
      expect(firstText).toContain(`POST ${receiver.url}`);
      expect(firstText).toContain('204');
      // The request as sent is what the receiver got.
      expect(await page.getByLabel('Request body of attempt 1').textContent()).toBe(request.body);
      const sentHeaders = (await page.getByLabel('Request headers of attempt 1').textContent()) ?? '';
      expect(sentHeaders).toContain(`webhook-id: ${eventId}`);
      expect(sentHeaders).toContain(`webhook-signature: ${String(request.headers['webhook-signature'])}`);
      expect(await watched.accessibilityViolations()).toEqual([]);
      await watched.screenshot('04-delivery');

      // A failing receiver: every attempt is listed with its answer, shown as text.
      receiver.answer = {
        status: 500,
        headers: { 'content-type': 'text/html', 'x-trap': '<b>bold</b>' },
        body: HOSTILE_BODY,
      };
      const [failingEvent] = await pipeline.produce(1, 'm-portal');
      const failed = await deliveryOf(failingEvent!, endpointId, 'failed');
      await page.getByRole('navigation').getByRole('link', { name: 'Deliveries' }).click();
      await page.getByLabel('Status').selectOption('failed');
      await page.getByLabel('Endpoint', { exact: true }).selectOption(endpointId);
      await page.getByRole('button', { name: 'Show deliveries' }).click();
      const failedRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: failed.id }) });
      await refreshUntil(
        page,
        async () => (await failedRow.count()) === 1,
        'the failed delivery in the list',
      );
      expect(await page.getByRole('link', { name: delivered.id }).count()).toBe(0);
      await failedRow.getByRole('link', { name: failed.id }).click();
      await page.getByRole('heading', { name: `Delivery ${failed.id}` }).waitFor();
      expect(await page.locator('details.attempt').count()).toBe(failed.attempts);
      expect(await page.getByLabel(`Response body of attempt ${failed.attempts}`).textContent()).toBe(
        HOSTILE_BODY,
      );
      expect(await page.getByLabel(`Response headers of attempt ${failed.attempts}`).textContent()).toContain(
        'x-trap: <b>bold</b>',
      );
      expect(await page.locator('main script, main h1, main b').count()).toBe(0);
      expect(await pageGlobal(page, '__owned')).toBeUndefined();
      expect(await watched.accessibilityViolations()).toEqual([]);
      await watched.screenshot('05-failed-delivery');

      // Retry it once the receiver is back: the new attempt shows, and it is delivered.
      receiver.answer = { status: 204 };
      await page.getByRole('button', { name: 'Retry now' }).click();
      await page
        .getByRole('heading', { name: new RegExp(`^Attempt ${failed.attempts + 1}: delivered`) })
        .waitFor();
      await status(page, 'the delivery is delivered');
      expect(await deliveryOf(failingEvent!, endpointId, 'delivered')).toMatchObject({
        attempts: failed.attempts + 1,
      });
      await watched.screenshot('06-retried');

      // A test event of a type the endpoint takes, signed like any other.
      await page.getByRole('link', { name: 'The endpoint' }).click();
      await page.getByRole('heading', { name: 'Send a test event' }).waitFor();
      expect(await page.getByLabel('Event type', { exact: true }).inputValue()).toBe(pipeline.type);
      await page.getByRole('button', { name: 'Send test event' }).click();
      const sent = page.locator('main').getByText(/^Test event sent: delivery/);
      await sent.waitFor();
      const testEventId = (await sent.locator('code').textContent()) ?? '';
      const testRequest = await receiver.received(testEventId);
      expect(() =>
        new Webhook(secret).verify(testRequest.body, testRequest.headers as Record<string, string>),
      ).not.toThrow();
      expect(JSON.parse(testRequest.body)).toMatchObject({ id: testEventId, type: pipeline.type });
      await sent.getByRole('link').click();
      await page.getByRole('heading', { name: /^Delivery dlv_/ }).waitFor();
      await refreshUntil(
        page,
        async () => (await page.getByRole('heading', { name: /^Attempt 1: delivered/ }).count()) === 1,
        'the test delivery delivered',
      );
      await page.getByRole('link', { name: 'The endpoint' }).click();

      // Edit: a refused pin is shown at its field; then pins, format and tenant are saved.
      const pins = page.getByLabel('Version pins');
      await pins.fill(`${pipeline.type}=99`);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('#edit-versions[aria-invalid="true"]').waitFor();
      expect(await page.locator('#edit-versions-error').textContent()).toContain('99');
      takeExpectedStatus(watched.problems, 422);
      await pins.fill(`${pipeline.type}=2`);
      await page.getByLabel('Body format').selectOption('cloudevents');
      await page.getByLabel('Tenant').fill('m-portal');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await status(page, 'Changes saved');
      expect(await page.locator('#edit-versions').getAttribute('aria-invalid')).toBeNull();
      expect((await api('GET', `/v1/endpoints/${endpointId}`)).body).toMatchObject({
        format: 'cloudevents',
        tenant: 'm-portal',
        versions: { [pipeline.type]: 2 },
      });
      const settings = page.getByRole('region', { name: 'Settings', exact: true });
      expect(await settings.textContent()).toContain(`${pipeline.type}=2`);

      // Disable and enable.
      await page.getByRole('button', { name: 'Disable endpoint' }).click();
      await status(page, 'The endpoint is disabled');
      expect(await settings.textContent()).toContain('disabled through the admin API');
      await page.getByRole('button', { name: 'Enable endpoint' }).click();
      await status(page, 'The endpoint is enabled');
      expect((await api('GET', `/v1/endpoints/${endpointId}`)).body).toMatchObject({ enabled: true });

      // Rotate: a new secret, shown once.
      await page.getByRole('button', { name: 'Rotate secret' }).click();
      await status(page, 'The secret is rotated');
      const rotated = await page.getByLabel('Signing secret (shown only now)').inputValue();
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);

      // Recover the failed deliveries since an hour ago, following the job to its end.
      receiver.answer = { status: 503 };
      const [lostEvent] = await pipeline.produce(1, 'm-portal');
      await deliveryOf(lostEvent!, endpointId, 'failed');
      receiver.answer = { status: 204 };
      await page.getByRole('button', { name: 'Recover', exact: true }).click();
      const jobs = page.getByRole('table', { name: 'Recover and replay jobs of this endpoint' });
      const recovered = jobs.getByRole('row').filter({ hasText: 'recover' }).filter({ hasText: 'succeeded' });
      await recovered.waitFor({ timeout: 30_000 });
      expect(await recovered.textContent()).toContain('1 of 1');
      expect(await recovered.textContent()).toContain('1 made due again');
      await receiver.received(lostEvent!);
      await deliveryOf(lostEvent!, endpointId, 'delivered');
      expect(await watched.accessibilityViolations()).toEqual([]);
      await watched.screenshot('07-endpoint-jobs');

      // Replay the last hour to this endpoint alone: the three events of its tenant come again.
      const replayedBefore = receiver.requests.length;
      await page.getByRole('button', { name: 'Replay', exact: true }).click();
      const replayed = jobs.getByRole('row').filter({ hasText: 'replay' }).filter({ hasText: 'succeeded' });
      await replayed.waitFor({ timeout: 60_000 });
      expect(await replayed.textContent()).toContain('3 deliveries');
      await waitFor(() => receiver.requests.length - replayedBefore >= 3, {
        timeoutMs: 30_000,
        description: 'the replayed deliveries',
      });
      const again = receiver.requests.slice(replayedBefore).map((r) => r.headers['webhook-id']);
      expect(again.sort()).toEqual([eventId, failingEvent, lostEvent].sort());

      // Delete, after a confirmation that can be declined.
      await page.getByRole('button', { name: 'Delete endpoint…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete this endpoint?' });
      await dialog.waitFor();
      await watched.screenshot('08-delete-confirmation');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect((await api('GET', `/v1/endpoints/${endpointId}`)).status).toBe(200);
      await page.getByRole('button', { name: 'Delete endpoint…' }).click();
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await status(page, 'The endpoint is deleted');
      await page.getByRole('heading', { name: 'Endpoints', level: 2 }).waitFor();
      expect((await api('GET', `/v1/endpoints/${endpointId}`)).status).toBe(404);

      expect(watched.problems).toEqual([]);
    } finally {
      await watched.close();
    }
  }, 300_000);

  it('signs in and creates an endpoint with the keyboard only, the focus always visible', async () => {
    const watched = await openPage();
    const { page } = watched;
    try {
      await page.goto(`${pipeline.url}/`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect((await focused(page)).id).toBe('admin-token');

      // A wrong token is refused at its field, which keeps the focus.
      await page.keyboard.type('not-the-admin-token-0123456789');
      await page.keyboard.press('Enter');
      await page.getByText('That is not the admin token of this service.').waitFor();
      expect(await page.getByLabel('Admin token').getAttribute('aria-invalid')).toBe('true');
      expect((await focused(page)).id).toBe('admin-token');
      takeExpectedStatus(watched.problems, 401);

      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(ADMIN_TOKEN);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Endpoints', level: 2 }).waitFor();
      expect(await focused(page)).toMatchObject({ tag: 'H2', text: 'Endpoints' });
      expect(await sessionStorageLength(page)).toBe(1);
      expect(page.url()).not.toContain(ADMIN_TOKEN);

      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'A', text: 'Create an endpoint', outline: 'solid' });
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Create an endpoint' }).waitFor();
      const order: string[] = [];
      const typed: Record<string, string> = { 'create-url': receiver.url, 'create-types': pipeline.type };
      for (;;) {
        await page.keyboard.press('Tab');
        const now = await focused(page);
        if (now.tag === 'BUTTON') {
          expect(now).toMatchObject({ text: 'Create endpoint', outline: 'solid' });
          break;
        }
        expect(now.outline).toBe('solid');
        order.push(now.id);
        if (typed[now.id] !== undefined) await page.keyboard.type(typed[now.id]!);
      }
      expect(order).toEqual([
        'create-url',
        'create-description',
        'create-types',
        'create-tenant',
        'create-format',
        'create-versions',
        'create-rateLimit',
        'create-ordered',
        'create-metadata',
      ]);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Endpoint created' }).waitFor();
      expect((await focused(page)).id).toBe('secret-title');
      await page.keyboard.press('Tab');
      expect((await focused(page)).id).toBe('secret-value');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Copy secret' });
      await page.keyboard.press('Enter');
      await status(page, 'copied');
      expect(await watched.accessibilityViolations()).toEqual([]);
      await watched.screenshot('09-keyboard-created');

      // Signing out forgets the token.
      await page.getByRole('button', { name: 'Sign out' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await sessionStorageLength(page)).toBe(0);
      expect(watched.problems).toEqual([]);
    } finally {
      await watched.close();
    }
  }, 120_000);
});
