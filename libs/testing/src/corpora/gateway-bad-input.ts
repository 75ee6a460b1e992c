/**
 * The gateway's bad-input corpus: requests that must each get a 4xx problem (the status, and the
 * pointer or message it must name). Used by apps/gateway/test/gateway-bad-input.int-spec.ts and by the chaos fuzz run
 * (test/chaos/fuzz.chaos-spec.ts), which sends it to a built gateway.
 */
export const MAX_EVENT_BYTES = 65_536;
export const MAX_BATCH_EVENTS = 50;
export const MAX_BODY_BYTES = 1_048_576;

export interface Types {
  readonly payment: string;
  readonly order: string;
  readonly domain: string;
  /** An API key limited to 5 events per second. */
  readonly fivePerSecondKey: string;
}

export type Body = string | Buffer | Record<string, unknown> | unknown[];

export interface BadRequest {
  /** Built once the harness knows the unique type names. */
  readonly body: (t: Types) => Body;
  readonly status: number;
  /** A violation with exactly this path must be listed. */
  readonly pointer?: string;
  readonly url?: string;
  readonly method?: string;
  /** Replaces the default JSON content type and API key; `null` drops a header. */
  readonly headers?:
    Readonly<Record<string, string | null>> | ((t: Types) => Readonly<Record<string, string | null>>);
  /** The violation at `pointer` must say this. */
  readonly message?: RegExp;
  /** The answer's `Allow` header (405). */
  readonly allow?: string;
}

export const payment = (overrides: Record<string, unknown> = {}) => ({
  payment_id: '7d7c1c1e-6d1c-4c59-9b7a-3a0b5e7c1f00',
  merchant_id: 'merchant-42',
  amount_minor: 12_550,
  currency: 'EUR',
  method: 'CARD',
  received_at: '2026-11-27T10:15:00.123Z',
  ...overrides,
});

const without = (field: string) => {
  const data: Record<string, unknown> = payment();
  delete data[field];
  return data;
};

/** An event of the payment type with this data (v2 unless the envelope says otherwise). */
const event =
  (data: unknown, envelope: Record<string, unknown> = {}) =>
  (t: Types) => ({ type: t.payment, data, ...envelope });

/** Raw JSON text of an envelope whose data is `dataJson`. */
const rawEvent =
  (dataJson: string, extra = '') =>
  (t: Types) =>
    `{"type":"${t.payment}"${extra},"data":${dataJson}}`;

const deepArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const deepObjects = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

const invalidUtf8 = (t: Types, bytes: number[]) =>
  Buffer.concat([
    Buffer.from(`{"type":"${t.payment}","data":{"merchant_id":"`),
    Buffer.from(bytes),
    Buffer.from(`"}}`),
  ]);

const data = (field: string) => `/data/${field}`;
const malformed = (body: (t: Types) => Body, pointer?: string): BadRequest => ({
  body,
  status: 400,
  pointer,
});
const invalid = (body: (t: Types) => Body, pointer?: string): BadRequest => ({ body, status: 422, pointer });
const outOfRange = (body: (t: Types) => Body, pointer: string, sent: string): BadRequest => ({
  body,
  status: 422,
  pointer,
  message: new RegExp(`got ${sent.replace(/[+.]/g, '\\$&')}, which is out of range`),
});
const repeated = (
  body: (t: Types) => Body,
  pointer: string,
  extra: Partial<BadRequest> = {},
): BadRequest => ({
  body,
  status: 400,
  pointer,
  message: /appears more than once/,
  ...extra,
});

export const cases: Array<[string, BadRequest]> = [
  // Malformed JSON and bodies that are not an envelope.
  ['truncated JSON', malformed(() => '{"type": ')],
  ['a lone brace', malformed(() => '{')],
  ['single quotes', malformed(() => "{'type': 'x'}")],
  ['a trailing comma', malformed((t) => `{"type":"${t.payment}","data":{},}`)],
  ['two JSON documents', malformed(() => '{"a":1} {"b":2}')],
  ['a comment', malformed((t) => `{"type":"${t.payment}" /* hi */,"data":{}}`)],
  ['bare NaN as data', malformed(rawEvent('NaN'))],
  ['bare Infinity as a number', malformed(rawEvent('{"amount_minor": Infinity}'))],
  ['-Infinity as a number', malformed(rawEvent('{"amount_minor": -Infinity}'))],
  ['a hex number', malformed(rawEvent('{"amount_minor": 0x10}'))],
  ['a leading zero number', malformed(rawEvent('{"amount_minor": 012}'))],
  ['undefined as a value', malformed(rawEvent('undefined'))],
  ['a NUL byte body', malformed(() => '\u0000')],
  ['an unescaped control character in a string', malformed(rawEvent('{"merchant_id":"a\u0001b"}'))],
  ['an empty body', malformed(() => '')],
  ['a whitespace body', malformed(() => '   \n ')],
  ['JSON null', malformed(() => 'null', '/')],
  ['a JSON number', malformed(() => '42', '/')],
  ['a JSON string', malformed(() => '"payments"', '/')],
  ['JSON true', malformed(() => 'true', '/')],
  ['an empty JSON array', malformed(() => [], '/')],
  ['an array of envelopes', malformed((t) => [{ type: t.payment, data: payment() }], '/')],
  ['invalid UTF-8: a lone 0xFF byte', malformed((t) => invalidUtf8(t, [0xff]))],
  ['invalid UTF-8: a truncated sequence', malformed((t) => invalidUtf8(t, [0xe2, 0x82]))],
  ['invalid UTF-8: an overlong encoding', malformed((t) => invalidUtf8(t, [0xc0, 0xaf]))],
  ['invalid UTF-8: an encoded surrogate', malformed((t) => invalidUtf8(t, [0xed, 0xa0, 0x80]))],
  ['invalid UTF-8: a lone continuation byte', malformed((t) => invalidUtf8(t, [0x80]))],
  // Prototype poisoning and object-builtin keys.
  [
    '__proto__ in the envelope',
    malformed((t) => `{"__proto__":{"admin":true},"type":"${t.payment}","data":{}}`),
  ],
  ['__proto__ in the data', malformed(rawEvent('{"__proto__":{"amount_minor":1}}'))],
  ['__proto__ nested in the data', malformed(rawEvent('{"card":{"__proto__":{"last4":"1"}}}'))],
  [
    '__proto__ in a batch entry',
    malformed((t) => `{"events":[{"__proto__":{},"type":"${t.payment}","data":{}}]}`),
  ],
  [
    'constructor.prototype in the envelope',
    malformed((t) => `{"constructor":{"prototype":{"x":1}},"type":"${t.payment}","data":{}}`),
  ],
  ['constructor.prototype in the data', malformed(rawEvent('{"constructor":{"prototype":{"x":1}}}'))],
  ['a constructor field in the envelope', malformed(event(payment(), { constructor: 'x' }), '/constructor')],
  ['a prototype field in the envelope', malformed(event(payment(), { prototype: {} }), '/prototype')],
  ['a constructor field in the data', invalid(event(payment({ constructor: 'x' })), data('constructor'))],
  ['a prototype field in the data', invalid(event(payment({ prototype: 1 })), data('prototype'))],
  [
    'a hasOwnProperty field in the data',
    invalid(event(payment({ hasOwnProperty: 1 })), data('hasOwnProperty')),
  ],
  ['a toString field in the data', invalid(event(payment({ toString: 'x' })), data('toString'))],
  // The envelope: every field with a wrong type or value.
  ['type missing', malformed(() => ({ data: payment() }), '/type')],
  ['type a number', malformed(() => ({ type: 42, data: payment() }), '/type')],
  ['type null', malformed(() => ({ type: null, data: payment() }), '/type')],
  ['type an array', malformed((t) => ({ type: [t.payment], data: payment() }), '/type')],
  ['type an object', malformed(() => ({ type: {}, data: payment() }), '/type')],
  // No key pattern matches a name that is not a type name: authorisation answers first.
  ['type empty', invalid(() => ({ type: '', data: payment() }), '/type')],
  ['type not a type name', invalid(() => ({ type: 'Payments Received', data: payment() }), '/type')],
  ['type of 100k characters', invalid(() => ({ type: 'a'.repeat(100_000), data: payment() }), '/type')],
  ['type unknown', invalid((t) => ({ type: `${t.domain}.nothing.happened`, data: payment() }), '/type')],
  ['version a string', malformed(event(payment(), { version: '2' }), '/version')],
  ['version zero', malformed(event(payment(), { version: 0 }), '/version')],
  ['version negative', malformed(event(payment(), { version: -1 }), '/version')],
  ['version fractional', malformed(event(payment(), { version: 1.5 }), '/version')],
  ['version past 2^31', malformed(event(payment(), { version: 2 ** 31 }), '/version')],
  ['version 1e308', malformed(rawEvent(JSON.stringify(payment()), ',"version":1e308'), '/version')],
  ['version null', malformed(event(payment(), { version: null }), '/version')],
  ['version unknown', invalid(event(payment(), { version: 99 }), '/version')],
  ['id a number', malformed(event(payment(), { id: 7 }), '/id')],
  ['id empty', malformed(event(payment(), { id: '' }), '/id')],
  ['id with a newline', malformed(event(payment(), { id: 'a\nb' }), '/id')],
  ['id with a NUL', malformed(event(payment(), { id: 'a\u0000b' }), '/id')],
  ['id with DEL', malformed(event(payment(), { id: 'a\u007fb' }), '/id')],
  ['id of 201 characters', malformed(event(payment(), { id: 'i'.repeat(201) }), '/id')],
  ['id an object', malformed(event(payment(), { id: { v: 1 } }), '/id')],
  ['key a number', malformed(event(payment(), { key: 1 }), '/key')],
  ['key empty', malformed(event(payment(), { key: '' }), '/key')],
  ['key with a carriage return', malformed(event(payment(), { key: 'k\r' }), '/key')],
  ['key of 100k characters', malformed(event(payment(), { key: 'k'.repeat(100_000) }), '/key')],
  ['time not a timestamp', malformed(event(payment(), { time: 'yesterday' }), '/time')],
  ['time without an offset', malformed(event(payment(), { time: '2026-11-27T10:15:00' }), '/time')],
  ['time a date only', malformed(event(payment(), { time: '2026-11-27' }), '/time')],
  ['time 30 February', malformed(event(payment(), { time: '2026-02-30T00:00:00Z' }), '/time')],
  ['time month 13', malformed(event(payment(), { time: '2026-13-01T00:00:00Z' }), '/time')],
  ['time a number', malformed(event(payment(), { time: 1_764_238_500_000 }), '/time')],
  ['subject a number', malformed(event(payment(), { subject: 9 }), '/subject')],
  ['subject empty', malformed(event(payment(), { subject: '' }), '/subject')],
  ['subject with a tab', malformed(event(payment(), { subject: 'a\tb' }), '/subject')],
  ['subject of 1025 characters', malformed(event(payment(), { subject: 's'.repeat(1025) }), '/subject')],
  ['data missing', malformed((t) => ({ type: t.payment }), '/data')],
  ['an unknown envelope field', malformed(event(payment(), { colour: 'blue' }), '/colour')],
  ['a CloudEvents attribute in a plain envelope', malformed(event(payment(), { source: '/x' }), '/source')],
  // The data: wrong types for every kind of field, missing and unknown fields.
  ['data null', invalid(event(null), '/data')],
  ['data a string', invalid(event('payment'), '/data')],
  ['data a number', invalid(event(1), '/data')],
  ['data an array', invalid(event([payment()]), '/data')],
  ['uuid: a number', invalid(event(payment({ payment_id: 1 })), data('payment_id'))],
  ['uuid: not a UUID', invalid(event(payment({ payment_id: 'not-a-uuid' })), data('payment_id'))],
  ['uuid: null', invalid(event(payment({ payment_id: null })), data('payment_id'))],
  ['uuid: missing', invalid(event(without('payment_id')), data('payment_id'))],
  // A lone surrogate (an escape like \ud800 in valid JSON) has no UTF-8 form: written as sent, it
  // would reach Kafka and PostgreSQL as U+FFFD.
  [
    'string: a lone surrogate',
    invalid(event(payment({ merchant_id: 'merchant-\ud800' })), data('merchant_id')),
  ],
  ['an id with a lone surrogate', malformed(event(payment(), { id: 'evt-\udc00' }), '/id')],
  ['a key with a lone surrogate', malformed(event(payment(), { key: '\ud83d' }), '/key')],
  ['string: a number', invalid(event(payment({ merchant_id: 5 })), data('merchant_id'))],
  ['string: null', invalid(event(payment({ merchant_id: null })), data('merchant_id'))],
  ['string: an object', invalid(event(payment({ merchant_id: {} })), data('merchant_id'))],
  ['string: an array', invalid(event(payment({ merchant_id: ['m'] })), data('merchant_id'))],
  ['string: a boolean', invalid(event(payment({ currency: true })), data('currency'))],
  ['string: missing', invalid(event(without('currency')), data('currency'))],
  ['long: a fraction', invalid(event(payment({ amount_minor: 1.5 })), data('amount_minor'))],
  ['long: a decimal string', invalid(event(payment({ amount_minor: '12.5' })), data('amount_minor'))],
  ['long: an exponent string', invalid(event(payment({ amount_minor: '1e3' })), data('amount_minor'))],
  ['long: a hex string', invalid(event(payment({ amount_minor: '0x10' })), data('amount_minor'))],
  ['long: an empty string', invalid(event(payment({ amount_minor: '' })), data('amount_minor'))],
  ['long: a boolean', invalid(event(payment({ amount_minor: true })), data('amount_minor'))],
  ['long: null', invalid(event(payment({ amount_minor: null })), data('amount_minor'))],
  ['long: "NaN"', invalid(event(payment({ amount_minor: 'NaN' })), data('amount_minor'))],
  ['long: "Infinity"', invalid(event(payment({ amount_minor: 'Infinity' })), data('amount_minor'))],
  // JSON.parse reads these as other numbers (2^53, Infinity): the answer names the text sent.
  [
    'long: 2^53 + 1 as a number',
    outOfRange(rawEvent('{"amount_minor":9007199254740993}'), data('amount_minor'), '9007199254740993'),
  ],
  [
    'long: 2^63 as a number',
    outOfRange(rawEvent('{"amount_minor":9223372036854775808}'), data('amount_minor'), '9223372036854775808'),
  ],
  ['long: 1e400 as a number', outOfRange(rawEvent('{"amount_minor":1e400}'), data('amount_minor'), '1e400')],
  [
    'long: -1e400 as a number',
    outOfRange(rawEvent('{"amount_minor":-1e400}'), data('amount_minor'), '-1e400'),
  ],
  [
    'optional long: 2^53 + 1 as a number',
    outOfRange(
      rawEvent(JSON.stringify(payment()).replace('}', ',"fee_minor":9007199254740993}')),
      data('fee_minor'),
      '9007199254740993',
    ),
  ],
  [
    'long: 1e400 in an atomic batch',
    {
      url: '/v1/events/batch',
      status: 422,
      pointer: '/events/1/data/amount_minor',
      message: /got 1e400, which is out of range/,
      body: (t) =>
        `{"atomic":true,"events":[{"type":"${t.payment}","data":${JSON.stringify(payment())}},{"type":"${t.payment}","data":{"amount_minor":1e400}}]}`,
    },
  ],
  [
    'long: 2^53 + 1 in a binary CloudEvent',
    {
      body: () =>
        JSON.stringify(payment()).replace('"amount_minor":12550', '"amount_minor":9007199254740993'),
      status: 422,
      pointer: data('amount_minor'),
      message: /got 9007199254740993, which is out of range/,
      headers: (t) => ({
        'ce-specversion': '1.0',
        'ce-id': 'big-1',
        'ce-source': '/x',
        'ce-type': t.payment,
      }),
    },
  ],
  [
    'long: 2^63 as a string',
    invalid(event(payment({ amount_minor: '9223372036854775808' })), data('amount_minor')),
  ],
  [
    'long: -2^63 - 1 as a string',
    invalid(event(payment({ amount_minor: '-9223372036854775809' })), data('amount_minor')),
  ],
  [
    'long: 10^30 as a string',
    invalid(event(payment({ amount_minor: '1'.padEnd(31, '0') })), data('amount_minor')),
  ],
  ['long: missing', invalid(event(without('amount_minor')), data('amount_minor'))],
  ['enum: an unknown symbol', invalid(event(payment({ method: 'BITCOIN' })), data('method'))],
  ['enum: lower case', invalid(event(payment({ method: 'card' })), data('method'))],
  ['enum: empty', invalid(event(payment({ method: '' })), data('method'))],
  ['enum: a number', invalid(event(payment({ method: 1 })), data('method'))],
  [
    'enum: a v2 symbol under v1',
    invalid(event(payment({ method: 'DIRECT_DEBIT' }), { version: 1 }), data('method')),
  ],
  ['timestamp: not a timestamp', invalid(event(payment({ received_at: 'yesterday' })), data('received_at'))],
  [
    'timestamp: finer than millis',
    invalid(event(payment({ received_at: '2026-11-27T10:15:00.123456Z' })), data('received_at')),
  ],
  ['timestamp: "NaN"', invalid(event(payment({ received_at: 'NaN' })), data('received_at'))],
  ['timestamp: "Infinity"', invalid(event(payment({ received_at: 'Infinity' })), data('received_at'))],
  ['timestamp: a fraction', invalid(event(payment({ received_at: 1.5 })), data('received_at'))],
  ['timestamp: a boolean', invalid(event(payment({ received_at: false })), data('received_at'))],
  ['optional string: a number', invalid(event(payment({ customer_id: 5 })), data('customer_id'))],
  ['optional string: an object', invalid(event(payment({ customer_id: {} })), data('customer_id'))],
  [
    'optional string: a wrong explicit branch',
    invalid(event(payment({ customer_id: { string: 5 } })), '/data/customer_id/string'),
  ],
  ['optional long: "-Infinity"', invalid(event(payment({ fee_minor: '-Infinity' })), data('fee_minor'))],
  ['optional long: a fraction', invalid(event(payment({ fee_minor: 0.5 })), data('fee_minor'))],
  [
    'optional long: an unknown union branch',
    invalid(event(payment({ fee_minor: { double: 1 } })), data('fee_minor')),
  ],
  ['nested record: a string', invalid(event(payment({ card: 'VISA' })), data('card'))],
  [
    'nested record: a missing field',
    invalid(event(payment({ card: { brand: 'VISA' } })), '/data/card/last4'),
  ],
  [
    'nested record: an unknown symbol',
    invalid(event(payment({ card: { brand: 'PAYPAL', last4: '4242' } })), '/data/card/brand'),
  ],
  [
    'nested record: a wrong type',
    invalid(event(payment({ card: { brand: 'VISA', last4: 4242 } })), '/data/card/last4'),
  ],
  [
    'nested record: an unknown field',
    invalid(event(payment({ card: { brand: 'VISA', last4: '4242', pan: '4111' } })), '/data/card/pan'),
  ],
  [
    'nested record: a field of v2 under v1',
    invalid(event(payment({ card: null }), { version: 1 }), data('card')),
  ],
  ['an unknown data field', invalid(event(payment({ surprise: true })), data('surprise'))],
  ['a field in the wrong case', invalid(event(payment({ PAYMENT_ID: 'x' })), data('PAYMENT_ID'))],
  ['a field name with a slash', invalid(event(payment({ 'a/b~c': 1 })), '/data/a~1b~0c')],
  ['an empty data object', invalid(event({}), data('payment_id'))],
  // Hostile shapes: deep nesting and huge strings.
  // Nesting past the gateway's bound is refused before any recursive walk (the pointer
  // names the first value too deep, under the field that holds it).
  ['10k levels of arrays as data', malformed(rawEvent(deepArrays(10_000)), '/data')],
  [
    '10k levels of arrays in a long field',
    malformed(rawEvent(`{"amount_minor":${deepArrays(10_000)}}`), data('amount_minor')),
  ],
  [
    '10k levels of arrays in an optional field',
    malformed(rawEvent(`{"customer_id":${deepArrays(10_000)}}`), data('customer_id')),
  ],
  [
    '10k levels of arrays in an unknown field',
    malformed(rawEvent(`{"deep":${deepArrays(10_000)}}`), data('deep')),
  ],
  ['10k levels of objects as data', malformed(rawEvent(deepObjects(10_000)), '/data/a')],
  ['10k levels of objects in a union', malformed(rawEvent(`{"card":${deepObjects(10_000)}}`), '/data/card')],
  ['100k levels of arrays as data', malformed(rawEvent(deepArrays(100_000)), '/data')],
  [
    '400k levels of arrays in a string field',
    malformed(rawEvent(`{"merchant_id":${deepArrays(400_000)}}`), data('merchant_id')),
  ],
  [
    '10k levels of arrays in the envelope',
    malformed((t) => `{"type":"${t.payment}","extra":${deepArrays(10_000)},"data":{}}`, '/extra'),
  ],
  ['10k levels of arrays as the type', malformed(() => `{"type":${deepArrays(10_000)},"data":{}}`, '/type')],
  ['65 levels of arrays as data', malformed(rawEvent(deepArrays(65)), '/data')],
  ['60 levels of arrays as data, within the bound', invalid(rawEvent(deepArrays(60)), '/data')],
  [
    'a 900 KB string over the event limit',
    { body: event(payment({ merchant_id: 'm'.repeat(900_000) })), status: 413, pointer: '/data' },
  ],
  ['a 100k-character unknown field name', invalid(event(payment({ ['f'.repeat(100_000)]: 1 })))],
  // Size limits.
  [
    'a body over GATEWAY_MAX_BODY_BYTES',
    { body: event(payment({ merchant_id: 'm'.repeat(MAX_BODY_BYTES) })), status: 413 },
  ],
  // Content types.
  ['text/plain', { body: event(payment()), status: 415, headers: { 'content-type': 'text/plain' } }],
  // A byte body: fetch adds no content type of its own.
  [
    'no content type',
    { body: () => Buffer.from(JSON.stringify(payment())), status: 415, headers: { 'content-type': null } },
  ],
  [
    'form-urlencoded',
    {
      body: () => 'type=x&data=y',
      status: 415,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
  ],
  [
    'multipart',
    {
      body: () => '--b\r\n\r\nx\r\n--b--',
      status: 415,
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    },
  ],
  [
    'application/xml',
    { body: () => '<event/>', status: 415, headers: { 'content-type': 'application/xml' } },
  ],
  [
    'JSON in UTF-16',
    { body: event(payment()), status: 415, headers: { 'content-type': 'application/json; charset=utf-16' } },
  ],
  [
    'a JSON look-alike type',
    { body: event(payment()), status: 415, headers: { 'content-type': 'application/jsonx' } },
  ],
  [
    'a CloudEvents batch',
    { body: () => [], status: 415, headers: { 'content-type': 'application/cloudevents-batch+json' } },
  ],
  // Authentication.
  ['no API key', { body: event(payment()), status: 401, headers: { authorization: null } }],
  ['an empty bearer', { body: event(payment()), status: 401, headers: { authorization: 'Bearer ' } }],
  [
    'an unknown API key',
    { body: event(payment()), status: 401, headers: { authorization: 'Bearer hrld_nope' } },
  ],
  [
    'a type of another domain',
    {
      // A real type outside the key's domain (the key's domain is a copy's, or payments itself).
      body: (t) => ({
        type: t.domain === 'payments' ? 'orders.order.shipped' : 'payments.payment.received',
        data: payment(),
      }),
      status: 403,
      pointer: '/type',
    },
  ],
  // Repeated member names: JSON.parse would keep the last one silently.
  [
    'a repeated data field',
    repeated(rawEvent('{"amount_minor":100,"amount_minor":999999}'), data('amount_minor')),
  ],
  [
    'a repeated data field, the rest valid',
    repeated(
      rawEvent(
        JSON.stringify(payment()).replace(
          '"amount_minor":12550',
          '"amount_minor":12550,"amount_minor":999999',
        ),
      ),
      data('amount_minor'),
    ),
  ],
  [
    'a repeated nested data field',
    repeated(rawEvent('{"card":{"last4":"4242","last4":"0000"}}'), '/data/card/last4'),
  ],
  [
    'a repeated envelope field',
    repeated((t) => `{"type":"${t.payment}","type":"${t.order}","data":{}}`, '/type'),
  ],
  [
    'a repeated data member in the envelope',
    repeated((t) => `{"type":"${t.payment}","data":{},"data":{}}`, '/data'),
  ],
  ['a repeated field name with a slash', repeated(rawEvent('{"a/b":1,"a/b":2}'), '/data/a~1b')],
  [
    'a repeated field spelled with an escape',
    repeated(rawEvent('{"amount_minor":1,"amount_\\u006dinor":2}'), data('amount_minor')),
  ],
  [
    'a repeated field in a batch entry',
    repeated(
      (t) => `{"events":[{"type":"${t.payment}","data":{"amount_minor":1,"amount_minor":2}}]}`,
      '/events/0/data/amount_minor',
      {
        url: '/v1/events/batch',
      },
    ),
  ],
  [
    'a repeated batch field',
    repeated(
      (t) => `{"events":[{"type":"${t.payment}","data":{}}],"atomic":false,"atomic":true}`,
      '/atomic',
      {
        url: '/v1/events/batch',
      },
    ),
  ],
  [
    'a repeated CloudEvents attribute (structured)',
    repeated(
      (t) =>
        `{"specversion":"1.0","id":"ce-dup","source":"/x","type":"${t.payment}","type":"${t.order}","data":{}}`,
      '/type',
      { headers: { 'content-type': 'application/cloudevents+json' } },
    ),
  ],
  [
    'a repeated field in CloudEvents data (structured)',
    repeated(
      (t) =>
        `{"specversion":"1.0","id":"ce-dup2","source":"/x","type":"${t.payment}","data":{"amount_minor":1,"amount_minor":2}}`,
      data('amount_minor'),
      { headers: { 'content-type': 'application/cloudevents+json' } },
    ),
  ],
  [
    'a repeated field in CloudEvents data (binary)',
    repeated(() => '{"amount_minor":1,"amount_minor":2}', data('amount_minor'), {
      headers: { 'ce-specversion': '1.0', 'ce-id': 'b-dup', 'ce-source': '/x', 'ce-type': 'a.b.c' },
    }),
  ],
  // CloudEvents.
  ...(
    [
      ['structured: specversion missing', { specversion: undefined }, '/specversion'],
      ['structured: specversion 0.3', { specversion: '0.3' }, '/specversion'],
      ['structured: id missing', { id: undefined }, '/id'],
      ['structured: source missing', { source: undefined }, '/source'],
      ['structured: data_base64', { data: undefined, data_base64: 'AAAA' }, '/data_base64'],
      ['structured: datacontenttype xml', { datacontenttype: 'application/xml' }, '/datacontenttype'],
      ['structured: dataversion not a number', { dataversion: 'two' }, '/dataversion'],
      ['structured: partitionkey a number', { partitionkey: 5 }, '/partitionkey'],
    ] as const
  ).map(([name, overrides, pointer]): [string, BadRequest] => [
    name,
    {
      body: (t) => ({
        specversion: '1.0',
        id: 'ce-1',
        source: '/checkout',
        type: t.payment,
        data: payment(),
        ...overrides,
      }),
      status: 400,
      pointer,
      headers: { 'content-type': 'application/cloudevents+json' },
    },
  ]),
  [
    'structured: an array',
    { body: () => [], status: 400, headers: { 'content-type': 'application/cloudevents+json' } },
  ],
  [
    'structured: invalid data',
    {
      body: (t) => ({
        specversion: '1.0',
        id: 'ce-2',
        source: '/x',
        type: t.payment,
        data: payment({ method: 'X' }),
      }),
      status: 422,
      pointer: '/data/method',
      headers: { 'content-type': 'application/cloudevents+json' },
    },
  ],
  [
    'binary: ce-id missing',
    {
      body: () => payment(),
      status: 400,
      pointer: '/headers/ce-id',
      headers: { 'ce-specversion': '1.0', 'ce-source': '/x', 'ce-type': 'a.b.c' },
    },
  ],
  [
    'binary: specversion 2.0',
    {
      body: () => payment(),
      status: 400,
      pointer: '/headers/ce-specversion',
      headers: { 'ce-specversion': '2.0', 'ce-id': 'b1', 'ce-source': '/x', 'ce-type': 'a.b.c' },
    },
  ],
  [
    'binary: dataversion not a number',
    {
      body: () => payment(),
      status: 400,
      pointer: '/headers/ce-dataversion',
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'b2',
        'ce-source': '/x',
        'ce-type': 'a.b.c',
        'ce-dataversion': 'v2',
      },
    },
  ],
  // Batches.
  ...(
    [
      ['batch: an array body', () => [], undefined],
      ['batch: events missing', () => ({}), '/events'],
      ['batch: events empty', () => ({ events: [] }), '/events'],
      ['batch: events an object', () => ({ events: {} }), '/events'],
      ['batch: events a string', () => ({ events: 'x' }), '/events'],
      [
        'batch: atomic a string',
        (t: Types) => ({ events: [{ type: t.payment, data: payment() }], atomic: 'yes' }),
        '/atomic',
      ],
      [
        'batch: an unknown field',
        (t: Types) => ({ events: [{ type: t.payment, data: payment() }], mode: 'fast' }),
        '/mode',
      ],
      ['batch: JSON null', () => 'null', undefined],
    ] as const
  ).map(([name, body, pointer]): [string, BadRequest] => [
    name,
    { url: '/v1/events/batch', body, status: 400, pointer },
  ]),
  [
    'batch: over GATEWAY_MAX_BATCH_EVENTS',
    {
      url: '/v1/events/batch',
      status: 413,
      pointer: '/events',
      body: (t) => ({
        events: Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => ({ type: t.payment, data: payment() })),
      }),
    },
  ],
  // It could never be admitted: not 429 (which clients retry), and its budget stays untouched.
  ...[false, true].map((atomic): [string, BadRequest] => [
    `batch${atomic ? ' atomic' : ''}: 6 events on a key limited to 5 per second`,
    {
      url: '/v1/events/batch',
      status: 413,
      pointer: '/events',
      message: /at most 5 events/,
      headers: (t) => ({ authorization: `Bearer ${t.fivePerSecondKey}` }),
      body: (t) => ({
        atomic,
        events: Array.from({ length: 6 }, () => ({ type: t.payment, data: payment() })),
      }),
    },
  ]),
  [
    'batch atomic: a number as an event',
    {
      url: '/v1/events/batch',
      status: 422,
      pointer: '/events/0',
      body: () => ({ atomic: true, events: [42] }),
    },
  ],
  [
    'batch atomic: an envelope violation',
    {
      url: '/v1/events/batch',
      status: 422,
      pointer: '/events/1/version',
      body: (t) => ({
        atomic: true,
        events: [
          { type: t.payment, data: payment() },
          { type: t.payment, version: 'x', data: payment() },
        ],
      }),
    },
  ],
  [
    'batch atomic: a schema violation',
    {
      url: '/v1/events/batch',
      status: 422,
      pointer: '/events/0/data/amount_minor',
      body: (t) => ({ atomic: true, events: [{ type: t.payment, data: payment({ amount_minor: 'x' }) }] }),
    },
  ],
  [
    'batch atomic: the same id twice',
    {
      url: '/v1/events/batch',
      status: 422,
      body: (t) => ({
        atomic: true,
        events: [
          { id: 'twice', type: t.payment, data: payment() },
          { id: 'twice', type: t.payment, data: payment() },
        ],
      }),
    },
  ],
  [
    'batch atomic: deep nesting',
    {
      url: '/v1/events/batch',
      status: 400,
      pointer: '/events/0/data',
      body: (t) => `{"atomic":true,"events":[{"type":"${t.payment}","data":${deepArrays(10_000)}}]}`,
    },
  ],
  // Routes and methods: a known route's other methods are 405 with Allow.
  ['GET on the publish route', { method: 'GET', body: () => '', status: 405, allow: 'POST' }],
  ['PUT on the publish route', { method: 'PUT', body: event(payment()), status: 405, allow: 'POST' }],
  ['DELETE on the publish route', { method: 'DELETE', body: () => '', status: 405, allow: 'POST' }],
  ['PATCH on the publish route', { method: 'PATCH', body: event(payment()), status: 405, allow: 'POST' }],
  [
    'GET on the batch route',
    { method: 'GET', url: '/v1/events/batch', body: () => '', status: 405, allow: 'POST' },
  ],
  [
    'PUT on the batch route',
    { method: 'PUT', url: '/v1/events/batch', body: () => ({ events: [] }), status: 405, allow: 'POST' },
  ],
  [
    'PUT with a CloudEvent',
    {
      method: 'PUT',
      body: (t) => ({ specversion: '1.0', id: 'ce-put', source: '/x', type: t.payment, data: payment() }),
      status: 405,
      allow: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
    },
  ],
  [
    'POST on the catalog',
    { url: '/v1/event-types', body: event(payment()), status: 405, allow: 'GET, HEAD' },
  ],
  ['an unknown route', { url: '/v1/event', body: event(payment()), status: 404 }],
];
