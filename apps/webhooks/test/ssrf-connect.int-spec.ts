/**
 * SSRF protection at connect time, over real sockets: a receiver listens on 127.0.0.1, and every
 * way of pointing the sender at it (or at any other non-public address: written in the URL, in
 * another spelling, behind a name, behind a name that changes its answer) is refused before a
 * connection is opened, unless the operator's allowlist admits it.
 */
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../src/domain/ports';
import { createDestinationPolicy, createSsrfSafeSender, type SsrfSafeSenderOptions } from '../src/http';
import { LoopbackReceiver } from '../src/http/spec-support/loopback-receiver';
import {
  LOOPBACK_SPELLINGS,
  REFUSED_ADDRESSES,
  scriptedLookup,
  urlOf,
} from '../src/http/spec-support/ssrf-cases';

const post = (url: string): WebhookRequest => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"id":"evt_1"}',
  timeoutMs: 5_000,
});

function refusal(result: WebhookResponse): string {
  if (result.kind !== 'error' || result.errorKind !== 'ssrf') {
    throw new Error(`expected an ssrf refusal, got ${JSON.stringify(result)}`);
  }
  return result.message;
}

describe('SSRF protection at connect time', () => {
  let target: LoopbackReceiver;
  const senders: WebhookSender[] = [];
  const sender = (options: SsrfSafeSenderOptions = {}) => {
    const created = createSsrfSafeSender(options);
    senders.push(created);
    return created;
  };

  beforeEach(async () => {
    target = await LoopbackReceiver.start();
  });

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.close()));
    await target.close();
  });

  it('refuses the loopback receiver without the allowlist: nothing reaches it, not even a connection', async () => {
    const message = refusal(await sender().send(post(target.url())));
    expect(message).toMatch(/^host 127\.0\.0\.1 is a loopback address/);
    expect(target.connections).toBe(0);
  });

  it('delivers to the same receiver once 127.0.0.0/8 is allowlisted, in its IPv4-mapped form too', async () => {
    const client = sender({ allowlist: '127.0.0.0/8' });
    expect(await client.send(post(target.url()))).toMatchObject({ kind: 'response', status: 200 });
    const mapped = await client.send(post(`http://[::ffff:127.0.0.1]:${target.port}/hook`));
    expect(mapped).toMatchObject({ kind: 'response', status: 200 });
    expect(target.requests).toHaveLength(2);
  });

  it.each(LOOPBACK_SPELLINGS)('refuses the spelling http://%s:<port>/ of the receiver', async (spelling) => {
    refusal(await sender().send(post(`http://${spelling}:${target.port}/hook`)));
    expect(target.connections).toBe(0);
  });

  it.each(REFUSED_ADDRESSES)('refuses $address written in the URL', async ({ address, why }) => {
    const lookup = scriptedLookup(['127.0.0.1']);
    expect(refusal(await sender({ lookup }).send(post(urlOf(address, target.port))))).toMatch(why);
    expect(lookup.calls).toEqual([]);
    expect(target.connections).toBe(0);
  });

  it.each(REFUSED_ADDRESSES)('refuses a name resolving to $address', async ({ address, why }) => {
    const lookup = scriptedLookup([address]);
    const message = refusal(
      await sender({ lookup }).send(post(`http://hooks.customer.test:${target.port}/`)),
    );
    expect(message).toMatch(why);
    expect(message).toMatch(/^host "hooks\.customer\.test" resolves to /);
    expect(lookup.calls).toEqual(['hooks.customer.test']);
    expect(target.connections).toBe(0);
  });

  it('refuses a name that was public when the endpoint was created and is private when connecting (rebinding)', async () => {
    const lookup = scriptedLookup(['93.184.216.34'], ['127.0.0.1']);
    const url = `http://rebind.test:${target.port}/hook`;
    expect(await createDestinationPolicy({ lookup }).refusal(url)).toBeUndefined();
    expect(refusal(await sender({ lookup }).send(post(url)))).toMatch(/resolves to 127\.0\.0\.1, a loopback/);
    expect(target.connections).toBe(0);
  });

  it('checks every record: one admitted and one refused address refuse the name', async () => {
    const lookup = scriptedLookup(['127.0.0.1', '127.0.0.2']);
    const client = sender({ allowlist: '127.0.0.1/32', lookup });
    const message = refusal(await client.send(post(`http://two-records.test:${target.port}/`)));
    expect(message).toMatch(/resolves to 127\.0\.0\.2, a loopback/);
    expect(target.connections).toBe(0);
  });

  it('resolves once per connection and connects to the address it checked', async () => {
    // A second resolution (one to check, one to connect) would get the refused answer.
    const lookup = scriptedLookup(['127.0.0.1'], ['10.0.0.1']);
    const client = sender({ allowlist: '127.0.0.0/8', lookup });
    for (let i = 0; i < 3; i++) {
      const result = await client.send(post(`http://once.test:${target.port}/hook`));
      expect(result).toMatchObject({ kind: 'response', status: 200 });
    }
    expect(lookup.calls).toEqual(['once.test']);
    expect(target.connections).toBe(1);
    expect(target.requests.map((r) => r.headers.host)).toEqual(Array(3).fill(`once.test:${target.port}`));
  });

  it.each([
    ['credentials', (port: number) => `http://user:pw@127.0.0.1:${port}/`, /credentials/],
    ['another scheme', (port: number) => `ftp://127.0.0.1:${port}/`, /http or https/],
    ['no URL at all', () => 'not a url', /not a valid absolute URL/],
  ])('refuses a URL with %s before any connection', async (_case, url, why) => {
    const client = sender({ allowlist: '127.0.0.0/8' });
    expect(refusal(await client.send(post(url(target.port))))).toMatch(why);
    expect(target.connections).toBe(0);
  });
});
