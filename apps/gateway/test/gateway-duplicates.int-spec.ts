/**
 * Duplicates by meaning, through HTTP, as a client probing the gateway would send them: two
 * requests with one id that spell one event differently are one publish (the second answers
 * the first's coordinates with `"duplicate": true` and writes nothing); a real change is 409.
 * The fingerprint is of the event as encoded (apps/gateway/src/domain/event-fingerprint.ts).
 */
import { randomUUID } from 'node:crypto';
import { GatewayHarness } from './gateway-harness';

jest.setTimeout(120_000);

interface Accepted {
  id: string;
  type: string;
  version: number;
  topic: string;
  partition: number;
  offset: string;
  duplicate?: true;
}

describe('gateway duplicates: one event, whatever its JSON spelling', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await GatewayHarness.start();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const paymentId = () => randomUUID();
  const data = (id: string, extra: Record<string, unknown> = {}) => ({
    payment_id: id,
    merchant_id: 'merchant-7',
    amount_minor: 100,
    currency: 'EUR',
    method: 'CARD',
    received_at: '2026-11-27T10:15:00Z',
    ...extra,
  });
  const post = async (body: Record<string, unknown>) => {
    const response = await gateway.post('/v1/events', { type: gateway.types.payment, ...body });
    return { status: response.status, body: (await response.json()) as Accepted & { status?: number } };
  };

  it.each<[string, (p: string) => Record<string, unknown>, (p: string) => Record<string, unknown>]>([
    [
      'a long as a number, then as a string (no version: the latest)',
      (p) => ({ data: data(p) }),
      (p) => ({ data: data(p, { amount_minor: '100' }) }),
    ],
    [
      'a long as a number, then as a string (pinned version)',
      (p) => ({ version: 2, data: data(p) }),
      (p) => ({ version: 2, data: data(p, { amount_minor: '100' }) }),
    ],
    [
      'a time without, then with zero milliseconds',
      (p) => ({ version: 2, time: '2026-12-06T10:15:00Z', data: data(p) }),
      (p) => ({ version: 2, time: '2026-12-06T10:15:00.000Z', data: data(p) }),
    ],
    [
      'no key, then the key field as key',
      (p) => ({ version: 2, data: data(p) }),
      (p) => ({ version: 2, key: p, data: data(p) }),
    ],
    [
      'no version, then the version that was latest',
      (p) => ({ data: data(p) }),
      (p) => ({ version: 2, data: data(p) }),
    ],
  ])('%s: one publish, the second answered as a duplicate', async (_what, first, second) => {
    const id = `spelling-${randomUUID()}`;
    const p = paymentId();
    const original = await post({ id, ...first(p) });
    expect(original.status).toBe(202);
    // A first publish carries no `duplicate` member; a repeat carries `"duplicate": true`.
    expect(original.body).not.toHaveProperty('duplicate');
    const again = await post({ id, ...second(p) });
    expect(again).toEqual({ status: 202, body: { ...original.body, duplicate: true } });
  });

  it('a genuine change of content under the same id is still 409', async () => {
    const id = `conflict-${randomUUID()}`;
    const p = paymentId();
    expect((await post({ id, version: 2, data: data(p) })).status).toBe(202);
    expect((await post({ id, version: 2, data: data(p, { amount_minor: 101 }) })).status).toBe(409);
    expect((await post({ id, version: 2, time: '2026-12-06T10:15:00.001Z', data: data(p) })).status).toBe(
      409,
    );
    expect((await post({ id, version: 2, key: 'another-key', data: data(p) })).status).toBe(409);
  });
});
