/**
 * The SSRF-safe sender against real HTTP(S) receivers on loopback, admitted by the allowlist as
 * an operator admits internal receivers: what a delivery attempt records (status, headers, a
 * body cut at 8 KiB), redirects not followed, the per-attempt deadline, the error kinds and
 * keep-alive reuse.
 */
import { waitFor } from '@app/testing';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../src/domain/ports';
import { createSsrfSafeSender, RESPONSE_BODY_LIMIT_BYTES, type DnsLookup } from '../src/http';
import { LoopbackReceiver } from '../src/http/spec-support/loopback-receiver';
import { scriptedLookup, unknownNameLookup } from '../src/http/spec-support/ssrf-cases';
import { selfSignedCertificate } from '../src/http/spec-support/test-certificate';

const post = (url: string, extra: Partial<WebhookRequest> = {}): WebhookRequest => ({
  url,
  headers: { 'content-type': 'application/json', 'webhook-id': 'evt_1' },
  body: '{"id":"evt_1","data":{"amount":12}}',
  timeoutMs: 5_000,
  ...extra,
});

function responseOf(result: WebhookResponse): Extract<WebhookResponse, { kind: 'response' }> {
  if (result.kind !== 'response') throw new Error(`expected a response, got ${JSON.stringify(result)}`);
  return result;
}

function errorOf(result: WebhookResponse): Extract<WebhookResponse, { kind: 'error' }> {
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result;
}

describe('SSRF-safe sender on an allowlisted loopback receiver', () => {
  const receivers: LoopbackReceiver[] = [];
  const senders: WebhookSender[] = [];
  const receiver = async (...args: Parameters<typeof LoopbackReceiver.start>) => {
    const started = await LoopbackReceiver.start(...args);
    receivers.push(started);
    return started;
  };
  const sender = (options: Parameters<typeof createSsrfSafeSender>[0] = {}) => {
    const created = createSsrfSafeSender({ allowlist: '127.0.0.0/8', ...options });
    senders.push(created);
    return created;
  };

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.close()));
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('delivers the POST and returns status, lower-cased headers and body', async () => {
    const target = await receiver((_request, response) => {
      response.writeHead(202, { 'X-Receiver-Id': 'r-1', 'Set-Cookie': ['a=1', 'b=2'] });
      response.end('accepted ✓');
    });
    const result = responseOf(await sender().send(post(target.url('/in?tenant=acme'))));
    expect(result).toMatchObject({ status: 202, body: 'accepted ✓' });
    expect(result.headers['x-receiver-id']).toBe('r-1');
    expect(result.headers['set-cookie']).toBe('a=1, b=2');
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]).toMatchObject({
      method: 'POST',
      url: '/in?tenant=acme',
      body: '{"id":"evt_1","data":{"amount":12}}',
    });
    expect(target.requests[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'evt_1',
      host: `127.0.0.1:${target.port}`,
    });
  });

  it('delivers to a name resolved by the injected lookup, with the name in the Host header', async () => {
    const target = await receiver();
    const lookup = scriptedLookup(['127.0.0.1']);
    const result = await sender({ lookup }).send(post(`http://receiver.test:${target.port}/hook`));
    expect(responseOf(result)).toMatchObject({ status: 200, body: 'ok' });
    expect(target.requests[0]!.headers.host).toBe(`receiver.test:${target.port}`);
    expect(lookup.calls).toEqual(['receiver.test']);
  });

  it('keeps at most 8 KiB of the body, cutting on a character boundary, and stops reading', async () => {
    // An endless body of 3-byte characters (8192 is not a multiple of 3, so the cut falls inside
    // one): the attempt can only end, well before its deadline, if the sender stops reading.
    let closed = false;
    const target = await receiver((_request, response) => {
      const chunk = Buffer.from('€'.repeat(4_096));
      const pump = () => {
        while (!closed && response.write(chunk));
      };
      response.on('drain', pump);
      response.on('close', () => (closed = true));
      pump();
    });
    const result = responseOf(await sender().send(post(target.url(), { timeoutMs: 10_000 })));
    expect(result.status).toBe(200);
    expect(result.body).toBe('€'.repeat(Math.floor(RESPONSE_BODY_LIMIT_BYTES / 3)));
    expect(result.latencyMs).toBeLessThan(5_000);
    // The connection is closed, not left with an unread body.
    await waitFor(() => closed, {
      timeoutMs: 5_000,
      description: 'the receiver to see the connection close',
    });
  });

  it('returns a body of exactly 8 KiB whole, and keeps that connection', async () => {
    const exact = 'x'.repeat(RESPONSE_BODY_LIMIT_BYTES);
    const target = await receiver((_request, response) => response.end(exact));
    const client = sender();
    expect(responseOf(await client.send(post(target.url()))).body).toBe(exact);
    expect(responseOf(await client.send(post(target.url()))).body).toBe(exact);
    expect(target.connections).toBe(1);
  });

  it('returns a redirect as the response and does not follow it', async () => {
    const elsewhere = await receiver();
    const target = await receiver((_request, response) => {
      response.writeHead(307, { location: elsewhere.url('/moved') });
      response.end();
    });
    const result = responseOf(await sender().send(post(target.url())));
    expect(result.status).toBe(307);
    expect(result.headers.location).toBe(elsewhere.url('/moved'));
    expect(target.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('times out an attempt whose response headers do not come in time', async () => {
    const target = await receiver(() => undefined);
    const result = errorOf(await sender().send(post(target.url(), { timeoutMs: 300 })));
    expect(result.errorKind).toBe('timeout');
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(3_000);
  });

  it('times out an attempt whose body does not finish in time (the deadline covers the body)', async () => {
    const target = await receiver((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    const result = errorOf(await sender().send(post(target.url(), { timeoutMs: 300 })));
    expect(result.errorKind).toBe('timeout');
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
  });

  it('times out an attempt stuck before connecting (the deadline covers resolution and connect)', async () => {
    const silentLookup: DnsLookup = () => undefined;
    const result = errorOf(
      await sender({ lookup: silentLookup }).send(post('http://slow-dns.test/', { timeoutMs: 300 })),
    );
    expect(result.errorKind).toBe('timeout');
    expect(result.latencyMs).toBeLessThan(3_000);
  });

  it('reports a refused connection as connect', async () => {
    const port = await LoopbackReceiver.closedPort();
    const result = errorOf(await sender().send(post(`http://127.0.0.1:${port}/hook`)));
    expect(result.errorKind).toBe('connect');
    expect(result.message).toMatch(/ECONNREFUSED/);
  });

  it('reports a name that does not resolve as dns', async () => {
    const result = errorOf(
      await sender({ lookup: unknownNameLookup }).send(post('http://nowhere.test/hook')),
    );
    expect(result.errorKind).toBe('dns');
  });

  it('reuses the connection across attempts to the same origin (keep-alive)', async () => {
    const target = await receiver();
    const client = sender();
    for (let i = 0; i < 5; i++) expect(responseOf(await client.send(post(target.url()))).status).toBe(200);
    expect(target.requests).toHaveLength(5);
    expect(target.connections).toBe(1);
  });

  it('bounds the connections per origin when asked to', async () => {
    const target = await receiver();
    const client = sender({ connections: 2 });
    const results = await Promise.all(Array.from({ length: 10 }, () => client.send(post(target.url()))));
    expect(results.map((r) => responseOf(r).status)).toEqual(Array<number>(10).fill(200));
    expect(target.connections).toBe(2);
  });

  it('closes after the attempts in progress, which finish normally', async () => {
    const target = await receiver((_request, response) => {
      setTimeout(() => response.end('late but fine'), 200);
    });
    const client = createSsrfSafeSender({ allowlist: '127.0.0.0/8' });
    const sending = client.send(post(target.url()));
    await waitFor(() => target.requests.length === 1, { description: 'the request to arrive' });
    await client.close();
    expect(responseOf(await sending)).toMatchObject({ status: 200, body: 'late but fine' });
  });

  describe('over TLS', () => {
    const certificate = selfSignedCertificate('receiver.test');

    it('sends the hostname as SNI and verifies the certificate against it', async () => {
      const target = await receiver(undefined, { tls: certificate });
      const client = sender({ lookup: scriptedLookup(['127.0.0.1']), ca: certificate.cert });
      const result = await client.send(post(`https://receiver.test:${target.port}/hook`));
      expect(responseOf(result)).toMatchObject({ status: 200, body: 'ok' });
      expect(target.serverNames).toEqual(['receiver.test']);
    });

    it('refuses a certificate no trusted CA signed, as tls', async () => {
      const target = await receiver(undefined, { tls: certificate });
      const client = sender({ lookup: scriptedLookup(['127.0.0.1']) });
      const result = errorOf(await client.send(post(`https://receiver.test:${target.port}/hook`)));
      expect(result.errorKind).toBe('tls');
      expect(target.requests).toHaveLength(0);
    });

    it('refuses a certificate for another name, as tls', async () => {
      const target = await receiver(undefined, { tls: certificate });
      const client = sender({ lookup: scriptedLookup(['127.0.0.1']), ca: certificate.cert });
      const result = errorOf(await client.send(post(`https://other.test:${target.port}/hook`)));
      expect(result.errorKind).toBe('tls');
      expect(result.message).toMatch(/other\.test/);
      expect(target.requests).toHaveLength(0);
    });
  });
});
