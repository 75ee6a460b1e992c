/** The event envelope: what is accepted, and every violation as a JSON pointer. */
import { GatewayError } from './gateway-errors';
import { envelopeViolations, parseEnvelope, pointer, withTraceparent } from './publish-request';

/** Jest's asymmetric matchers typed as `unknown`, not `any` (no-unsafe-assignment). */
const anyOf = (type: unknown): unknown => expect.any(type);
const containing = (text: string): unknown => expect.stringContaining(text);

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const valid = { type: 'payments.payment.received', data: { amount_minor: 1 } };

function violationsOf(body: unknown, prefix = '') {
  const result = envelopeViolations(body, prefix);
  if (!Array.isArray(result)) throw new Error('expected violations');
  return result;
}

function malformed(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).kind).toBe('malformed');
    return error as GatewayError;
  }
  throw new Error('expected a malformed-request error');
}

describe('envelopeViolations', () => {
  it('accepts a full envelope and returns it as the request', () => {
    const envelope = {
      ...valid,
      version: 2,
      id: 'evt-1',
      key: 'k',
      time: '2026-11-27T10:15:00+02:00',
      subject: 'order-9',
    };
    expect(envelopeViolations(envelope)).toEqual(envelope);
  });

  it('keeps data that is present but falsy (validated later against the schema)', () => {
    for (const data of [null, 0, false, '']) {
      expect(envelopeViolations({ type: 'a.b.c', data })).toEqual({ type: 'a.b.c', data });
    }
  });

  it.each([null, 42, 'text', true, [], [valid]])('refuses a body that is not an object: %j', (body) => {
    expect(violationsOf(body)).toEqual([{ path: '/', message: containing('JSON object') }]);
    expect(violationsOf(body, '/events/4')).toEqual([{ path: '/events/4', message: anyOf(String) }]);
  });

  it('lists every violation with its pointer, at once', () => {
    const violations = violationsOf({
      type: 7,
      version: 0,
      id: '',
      key: 'a\nb',
      time: 'yesterday',
      subject: 's'.repeat(1025),
    });
    expect(violations.map((v) => v.path).sort()).toEqual(
      ['/data', '/id', '/key', '/subject', '/time', '/type', '/version'].sort(),
    );
    violations.forEach((v) => expect(v.message).not.toBe(''));
  });

  it.each([
    ['version', '2'],
    ['version', 1.5],
    ['version', -1],
    ['version', 2 ** 31],
    ['id', 'x'.repeat(201)],
    ['id', 'a\u0000b'],
    ['id', 'a\u007fb'],
    ['key', 'k'.repeat(4097)],
    ['key', 3],
    ['time', '2026-11-27T10:15:00'],
    ['time', '2026-02-30T10:15:00Z'],
    ['subject', ''],
  ])('refuses %s = %j', (field, value) => {
    expect(violationsOf({ ...valid, [field]: value })).toEqual([
      { path: `/${field}`, message: anyOf(String) },
    ]);
  });

  it.each([
    ['id', 'x'.repeat(200)],
    ['key', 'k'.repeat(4096)],
    ['version', 2 ** 31 - 1],
    ['subject', 'ünïcode ✓'],
  ])('accepts %s at its bound or in Unicode', (field, value) => {
    expect(Array.isArray(envelopeViolations({ ...valid, [field]: value }))).toBe(false);
  });

  it('names unknown fields, escaped as JSON pointers and under the prefix', () => {
    expect(violationsOf({ ...valid, colour: 'blue' }, '/events/2')).toEqual([
      { path: '/events/2/colour', message: containing('"colour"') },
    ]);
    expect(violationsOf({ ...valid, 'a/b~c': 1 })).toEqual([{ path: '/a~1b~0c', message: anyOf(String) }]);
  });

  it('refuses ids, keys and subjects with a lone surrogate (they have no UTF-8 form)', () => {
    expect(violationsOf({ ...valid, id: 'evt-\ud800', key: '\udfff', subject: 'ok😀' })).toEqual([
      { path: '/id', message: 'must be well-formed Unicode (no lone surrogate)' },
      { path: '/key', message: 'must be well-formed Unicode (no lone surrogate)' },
    ]);
  });

  it('refuses the CloudEvents attributes in a plain envelope', () => {
    expect(violationsOf({ ...valid, specversion: '1.0', source: '/x' }).map((v) => v.path)[0]).toMatch(
      /^\/(specversion|source)$/,
    );
  });
});

describe('pointer', () => {
  it('escapes ~ and / (RFC 6901) and prefixes', () => {
    expect(pointer(['a/b', 'c~d', 0], '/events/1')).toBe('/events/1/a~1b/c~0d/0');
    expect(pointer([])).toBe('');
  });
});

describe('parseEnvelope and withTraceparent', () => {
  it('carries a W3C traceparent along', () => {
    expect(parseEnvelope(valid, TRACEPARENT)).toEqual({ ...valid, traceparent: TRACEPARENT });
    expect(parseEnvelope(valid, undefined)).toEqual(valid);
  });

  it('throws a malformed error with the violations', () => {
    const error = malformed(() => parseEnvelope({ data: {} }, undefined));
    expect(error.violations).toEqual([{ path: '/type', message: anyOf(String) }]);
  });

  it.each([
    'abc',
    `ff${TRACEPARENT.slice(2)}`,
    TRACEPARENT.toUpperCase(),
    `${TRACEPARENT}-extra`,
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7',
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1',
    '0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ` ${TRACEPARENT}`,
    '',
  ])('ignores the invalid traceparent %j (W3C: restart the trace, do not refuse)', (traceparent) => {
    expect(withTraceparent(valid, traceparent)).toEqual(valid);
    expect(parseEnvelope(valid, traceparent)).toEqual(valid);
  });

  it('reads a later version as version 00, its extra fields dropped', () => {
    const later = `cc${TRACEPARENT.slice(2)}-what-the-future-holds`;
    expect(withTraceparent(valid, later)).toEqual({ ...valid, traceparent: TRACEPARENT });
    expect(withTraceparent(valid, `cc${TRACEPARENT.slice(2)}`)).toEqual({
      ...valid,
      traceparent: TRACEPARENT,
    });
  });
});
