import type { Endpoint } from './endpoint';
import { FanOut, type FanOutEvent, type FannedOut, type FanOutPosition } from './fan-out';

function endpoint(id: string, overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    id,
    url: 'https://example.com/hook',
    description: '',
    types: ['*'],
    tenant: null,
    versions: {},
    format: 'standard',
    rateLimit: null,
    ordered: false,
    metadata: {},
    enabled: true,
    disabledReason: null,
    createdAt: '',
    updatedAt: '',
    ...overrides,
  };
}

function event(offset: number, type: string, tenant: string | null): FanOutEvent {
  return {
    eventId: `e${offset}`,
    type,
    topic: type,
    partition: 0,
    offset: String(offset),
    time: '2026-12-06T00:00:00Z',
    source: 'test',
    subject: null,
    traceparent: null,
    tenant,
    value: Buffer.alloc(5),
  };
}

describe('FanOut', () => {
  it('gives each event one delivery per enabled endpoint whose patterns and tenant take it', async () => {
    const stored: Array<[readonly FannedOut[], FanOutPosition]> = [];
    const fanOut = new FanOut(
      {
        enabledEndpoints: () =>
          Promise.resolve([
            endpoint('all'),
            endpoint('payments', { types: ['payments.*'] }),
            endpoint('shipped', { types: ['orders.order.shipped'] }),
            endpoint('tenant-a', { types: ['*'], tenant: 'a' }),
            endpoint('off', { enabled: false }),
          ]),
      },
      { store: (f, p) => Promise.resolve(void stored.push([f, p])) },
    );
    const position = { topic: 't', partition: 0, previousOffset: '0', nextOffset: '3' };
    await fanOut.handle(
      [
        event(0, 'payments.payment.received', 'a'),
        event(1, 'orders.order.shipped', 'b'),
        event(2, 'orders.order.placed', null),
      ],
      position,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]![0].map((f) => [f.event.eventId, f.endpointIds])).toEqual([
      ['e0', ['all', 'payments', 'tenant-a']],
      ['e1', ['all', 'shipped']],
      ['e2', ['all']],
    ]);
    expect(stored[0]![1]).toBe(position);
  });

  it('still moves the position when no endpoint takes anything', async () => {
    const stored: FannedOut[][] = [];
    const fanOut = new FanOut(
      { enabledEndpoints: () => Promise.resolve([]) },
      { store: (f) => Promise.resolve(void stored.push([...f])) },
    );
    await fanOut.handle([event(0, 'a.b.c', null)], {
      topic: 't',
      partition: 0,
      previousOffset: undefined,
      nextOffset: '1',
    });
    expect(stored).toEqual([[]]);
  });
});
