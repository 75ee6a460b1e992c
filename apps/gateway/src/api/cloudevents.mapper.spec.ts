/** CloudEvents over HTTP (structured and binary modes) into the gateway's envelope. */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../domain/gateway-errors';
import { fromBinaryCloudEvent, fromStructuredCloudEvent, isBinaryCloudEvent } from './cloudevents.mapper';

const data = { payment_id: 'p-1', amount_minor: 10 };
const structured = {
  specversion: '1.0',
  id: 'evt-1',
  source: '/checkout',
  type: 'payments.payment.received',
  data,
};
const binaryHeaders: IncomingHttpHeaders = {
  'content-type': 'application/json',
  'ce-specversion': '1.0',
  'ce-id': 'evt-2',
  'ce-source': '/checkout',
  'ce-type': 'payments.payment.received',
};

function rejection(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).kind).toBe('malformed');
    return error as GatewayError;
  }
  throw new Error('expected the CloudEvent to be refused');
}

const paths = (error: GatewayError) => error.violations.map((v) => v.path).sort();

describe('fromStructuredCloudEvent', () => {
  it('maps the required attributes; source is not taken (ce_source is the API key’s producer)', () => {
    expect(fromStructuredCloudEvent(structured)).toEqual({
      type: 'payments.payment.received',
      id: 'evt-1',
      data,
    });
  });

  it('maps partitionkey to the key, dataversion to the version, time and subject as they are', () => {
    expect(
      fromStructuredCloudEvent({
        ...structured,
        partitionkey: 'pay-1',
        dataversion: '2',
        time: '2026-11-27T10:15:00Z',
        subject: 'order-9',
        datacontenttype: 'application/json; charset=utf-8',
      }),
    ).toEqual({
      type: 'payments.payment.received',
      id: 'evt-1',
      key: 'pay-1',
      version: 2,
      time: '2026-11-27T10:15:00Z',
      subject: 'order-9',
      data,
    });
  });

  it('accepts dataversion as a JSON number too', () => {
    expect(fromStructuredCloudEvent({ ...structured, dataversion: 1 }).version).toBe(1);
  });

  it('ignores extension attributes it does not use', () => {
    expect(fromStructuredCloudEvent({ ...structured, comexampleextension: 'x' })).not.toHaveProperty(
      'comexampleextension',
    );
  });

  it('lists every missing required attribute at once', () => {
    const error = rejection(() => fromStructuredCloudEvent({ data }));
    expect(paths(error)).toEqual(['/id', '/source', '/specversion', '/type']);
  });

  it.each([
    ['specversion', '0.3', '/specversion'],
    ['id', '', '/id'],
    ['id', 5, '/id'],
    ['source', '', '/source'],
    ['datacontenttype', 'application/xml', '/datacontenttype'],
    ['datacontenttype', 7, '/datacontenttype'],
    ['partitionkey', 5, '/partitionkey'],
    ['partitionkey', '', '/partitionkey'],
    ['dataversion', 'two', '/dataversion'],
    ['dataversion', '0', '/dataversion'],
    ['time', 'yesterday', '/time'],
    ['subject', 'a\nb', '/subject'],
  ])('refuses %s = %j with the CloudEvents name in the pointer', (attribute, value, path) => {
    const error = rejection(() => fromStructuredCloudEvent({ ...structured, [attribute]: value }));
    expect(paths(error)).toEqual([path]);
  });

  it('refuses data_base64: the data must be JSON', () => {
    const { data: _data, ...withoutData } = structured;
    const error = rejection(() => fromStructuredCloudEvent({ ...withoutData, data_base64: 'AAAA' }));
    expect(paths(error)).toContain('/data_base64');
  });

  it.each([null, [], 'event', 3])('refuses a body that is not an object: %j', (body) => {
    expect(rejection(() => fromStructuredCloudEvent(body)).message).toMatch(/JSON object/);
  });
});

describe('fromBinaryCloudEvent', () => {
  it('reads the attributes from ce-* headers and the data from the body', () => {
    expect(
      fromBinaryCloudEvent(
        { ...binaryHeaders, 'ce-partitionkey': 'pay-2', 'ce-dataversion': '1', 'ce-subject': 's-1' },
        data,
      ),
    ).toEqual({
      type: 'payments.payment.received',
      id: 'evt-2',
      key: 'pay-2',
      version: 1,
      subject: 's-1',
      data,
    });
  });

  it('ignores headers that are not CloudEvents attributes', () => {
    expect(fromBinaryCloudEvent({ ...binaryHeaders, 'x-key': 'nope', key: 'nope' }, data)).toEqual({
      type: 'payments.payment.received',
      id: 'evt-2',
      data,
    });
  });

  it('reports missing required attributes as header pointers', () => {
    const error = rejection(() =>
      fromBinaryCloudEvent({ 'ce-specversion': '1.0', 'ce-type': 'a.b.c' }, data),
    );
    expect(paths(error)).toEqual(['/headers/ce-id', '/headers/ce-source']);
  });

  it('reports a wrong specversion and a bad dataversion', () => {
    const error = rejection(() =>
      fromBinaryCloudEvent({ ...binaryHeaders, 'ce-specversion': '2.0', 'ce-dataversion': 'v2' }, data),
    );
    expect(paths(error)).toEqual(['/headers/ce-dataversion', '/headers/ce-specversion']);
  });

  it('points envelope problems at their headers, each once', () => {
    const { 'ce-type': _type, ...withoutType } = binaryHeaders;
    const error = rejection(() =>
      fromBinaryCloudEvent(
        { ...withoutType, 'ce-id': '', 'ce-partitionkey': 'a\u0001', 'ce-time': 'now' },
        data,
      ),
    );
    expect(paths(error)).toEqual([
      '/headers/ce-id',
      '/headers/ce-partitionkey',
      '/headers/ce-time',
      '/headers/ce-type',
    ]);
  });

  it('requires the body as data', () => {
    const error = rejection(() => fromBinaryCloudEvent(binaryHeaders, undefined));
    expect(paths(error)).toEqual(['/data']);
  });
});

describe('isBinaryCloudEvent', () => {
  it('is decided by the ce-specversion header', () => {
    expect(isBinaryCloudEvent(binaryHeaders)).toBe(true);
    expect(isBinaryCloudEvent({ 'content-type': 'application/json', 'ce-id': 'x' })).toBe(false);
  });
});
