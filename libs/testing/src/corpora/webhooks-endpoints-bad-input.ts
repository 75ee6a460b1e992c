/**
 * The endpoints admin API's bad-input corpus: each case must be a 4xx problem naming its pointers,
 * and write nothing. Used by apps/webhooks/test/endpoints-bad-input.int-spec.ts and by the chaos fuzz run
 * (test/chaos/fuzz.chaos-spec.ts), which sends it to a built webhooks app.
 */
import { Readable } from 'node:stream';
import { endpointBody } from './webhooks-endpoint-body';

export interface BadCase {
  readonly name: string;
  readonly method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `{id}` stands for an existing endpoint. */
  readonly url?: string;
  /** An object is sent as JSON; a string or Buffer as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly token?: string | null;
  readonly status: number;
  /** Pointers the errors must name. */
  readonly paths?: readonly string[];
}

const VALID_V7 = 'ep_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const create = (
  name: string,
  overrides: Record<string, unknown>,
  paths: string[],
  status = 422,
): BadCase => ({
  name: `create: ${name}`,
  body: endpointBody(overrides),
  status,
  paths,
});
const without = (field: string) => {
  const { [field]: _dropped, ...rest } = endpointBody();
  return rest;
};
const patch = (name: string, body: unknown, paths: string[], status = 422): BadCase => ({
  name: `update: ${name}`,
  method: 'PATCH',
  url: '/v1/endpoints/{id}',
  body,
  status,
  paths,
});
const rotate = (name: string, body: unknown, paths: string[], status = 422): BadCase => ({
  name: `rotate: ${name}`,
  method: 'POST',
  url: '/v1/endpoints/{id}/secret/rotate',
  body,
  status,
  paths,
});
const get = (name: string, url: string, status: number, paths: string[] = []): BadCase => ({
  name,
  method: 'GET',
  url,
  status,
  paths,
});
const many = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i));

const URLS: BadCase[] = [
  { name: 'create: url missing', body: without('url'), status: 422, paths: ['/url'] },
  create('url null', { url: null }, ['/url']),
  create('url a number', { url: 42 }, ['/url']),
  create('url empty', { url: '' }, ['/url']),
  create('url with spaces', { url: 'not a url' }, ['/url']),
  create('url without scheme', { url: 'hooks.example.com/herald' }, ['/url']),
  create('url ftp', { url: 'ftp://hooks.example.com/' }, ['/url']),
  create('url javascript:', { url: 'javascript:alert(1)' }, ['/url']),
  create('url file:', { url: 'file:///etc/passwd' }, ['/url']),
  create('url data:', { url: 'data:text/plain,hi' }, ['/url']),
  create('url with credentials', { url: 'https://user:secret@hooks.example.com/' }, ['/url']),
  create('url with a user only', { url: 'https://user@hooks.example.com/' }, ['/url']),
  create('url with a fragment', { url: 'https://hooks.example.com/a#b' }, ['/url']),
  create('url host missing', { url: 'https://' }, ['/url']),
  create('url loopback', { url: 'http://127.0.0.1:8080/' }, ['/url']),
  create('url localhost', { url: 'http://localhost/hook' }, ['/url']),
  create('url cloud metadata', { url: 'http://169.254.169.254/latest/meta-data' }, ['/url']),
  create('url RFC 1918', { url: 'https://10.1.2.3/' }, ['/url']),
  create('url IPv6 loopback', { url: 'http://[::1]/' }, ['/url']),
  create('url IPv4-mapped IPv6', { url: 'http://[::ffff:127.0.0.1]/' }, ['/url']),
  create('url hex IPv4 spelling', { url: 'http://0x7f.1/' }, ['/url']),
  create('url decimal IPv4 spelling', { url: 'http://2130706433/' }, ['/url']),
  create('url octal IPv4 spelling', { url: 'http://0177.0.0.1/' }, ['/url']),
  create('url too long', { url: `https://hooks.example.com/${'a'.repeat(2030)}` }, ['/url']),
  create('url too long once normalised', { url: `https://hooks.example.com/${'é'.repeat(700)}` }, ['/url']),
  create('url with a line break', { url: 'https://hooks.example.com/\nx' }, ['/url']),
  create('url with a lone surrogate', { url: 'https://hooks.example.com/\ud800' }, ['/url']),
  create('url an array', { url: ['https://hooks.example.com/'] }, ['/url']),
];

const TYPES: BadCase[] = [
  { name: 'create: types missing', body: without('types'), status: 422, paths: ['/types'] },
  create('types empty', { types: [] }, ['/types']),
  create('types a string', { types: 'payments.*' }, ['/types']),
  create('types null', { types: null }, ['/types']),
  create('types with a number', { types: [1] }, ['/types/0']),
  create('types with null', { types: ['payments.*', null] }, ['/types/1']),
  create('types empty string', { types: [''] }, ['/types/0']),
  create('unknown type', { types: ['payments.payment.refunded'] }, ['/types/0']),
  create('unknown domain pattern', { types: ['billing.*'] }, ['/types/0']),
  create('entity wildcard', { types: ['payments.payment.*'] }, ['/types/0']),
  create('partial wildcard', { types: ['pay*'] }, ['/types/0']),
  create('double star', { types: ['**'] }, ['/types/0']),
  create('upper-case type', { types: ['PAYMENTS.PAYMENT.RECEIVED'] }, ['/types/0']),
  create('type with spaces', { types: [' payments.payment.received'] }, ['/types/0']),
  create('duplicate pattern', { types: ['payments.*', 'orders.*', 'payments.*'] }, ['/types/2']),
  create('101 patterns', { types: many(101, () => '*') }, ['/types']),
  create('pattern of 250 characters', { types: [`${'a'.repeat(248)}.*`] }, ['/types/0']),
];

const TENANTS: BadCase[] = [
  create('tenant empty', { tenant: '' }, ['/tenant']),
  create('tenant of 257 characters', { tenant: 't'.repeat(257) }, ['/tenant']),
  create('tenant with U+0000', { tenant: 'a\u0000b' }, ['/tenant']),
  create('tenant with a tab', { tenant: 'a\tb' }, ['/tenant']),
  create('tenant with a C1 control', { tenant: 'a\u0085b' }, ['/tenant']),
  create('tenant with a lone surrogate', { tenant: 'a\udc00' }, ['/tenant']),
  create('tenant a number', { tenant: 42 }, ['/tenant']),
  create('tenant an object', { tenant: { id: 't' } }, ['/tenant']),
];

const VERSIONS: BadCase[] = [
  create('versions an array', { versions: [1] }, ['/versions']),
  create('versions a string', { versions: 'v1' }, ['/versions']),
  create('versions null', { versions: null }, ['/versions']),
  create('version 0', { versions: { 'orders.order.shipped': 0 } }, ['/versions/orders.order.shipped']),
  create('version negative', { versions: { 'orders.order.shipped': -1 } }, [
    '/versions/orders.order.shipped',
  ]),
  create('version fractional', { versions: { 'orders.order.shipped': 1.5 } }, [
    '/versions/orders.order.shipped',
  ]),
  create('version as text', { versions: { 'orders.order.shipped': '1' } }, [
    '/versions/orders.order.shipped',
  ]),
  create('version null', { versions: { 'orders.order.shipped': null } }, ['/versions/orders.order.shipped']),
  create('version that does not exist', { versions: { 'orders.order.shipped': 99 } }, [
    '/versions/orders.order.shipped',
  ]),
  create('pin of an unknown type', { versions: { 'orders.order.lost': 1 } }, ['/versions/orders.order.lost']),
  create('pin of a pattern', { versions: { 'payments.*': 1 } }, ['/versions/payments.*']),
  create('pin of a type the endpoint does not take', { versions: { 'users.user.registered': 1 } }, [
    '/versions/users.user.registered',
  ]),
  create(
    'pin of a version that cannot read later ones',
    { types: ['legacy.item.changed'], versions: { 'legacy.item.changed': 1 } },
    ['/versions/legacy.item.changed'],
  ),
  create('pin key with a slash (escaped pointer)', { versions: { 'a/b~c': 1 } }, ['/versions/a~1b~0c']),
];

const FORMATS: BadCase[] = [
  create('format unknown', { format: 'xml' }, ['/format']),
  create('format in another case', { format: 'CloudEvents' }, ['/format']),
  create('format a media type', { format: 'application/cloudevents+json' }, ['/format']),
  create('format empty', { format: '' }, ['/format']),
  create('format null', { format: null }, ['/format']),
  create('format a number', { format: 1 }, ['/format']),
  create('format an array', { format: ['cloudevents'] }, ['/format']),
  patch('format unknown', { format: 'cloudevent' }, ['/format']),
  patch('format null', { format: null }, ['/format']),
];

const NUMBERS_AND_FLAGS: BadCase[] = [
  create('rateLimit 0', { rateLimit: 0 }, ['/rateLimit']),
  create('rateLimit negative', { rateLimit: -5 }, ['/rateLimit']),
  create('rateLimit 10001', { rateLimit: 10_001 }, ['/rateLimit']),
  create('rateLimit fractional', { rateLimit: 1.5 }, ['/rateLimit']),
  create('rateLimit as text', { rateLimit: '10' }, ['/rateLimit']),
  create('rateLimit boolean', { rateLimit: true }, ['/rateLimit']),
  {
    name: 'create: rateLimit 1e400 (Infinity)',
    body: '{"url":"https://hooks.example.com/","types":["*"],"rateLimit":1e400}',
    headers: { 'content-type': 'application/json' },
    status: 422,
    paths: ['/rateLimit'],
  },
  create('ordered as text', { ordered: 'true' }, ['/ordered']),
  create('ordered as number', { ordered: 1 }, ['/ordered']),
  create('enabled on create', { enabled: false }, ['/enabled']),
  create('an unknown field', { colour: 'red' }, ['/colour']),
  create('a read-only field', { id: VALID_V7 }, ['/id']),
  create('a secret chosen by the client', { secret: 'whsec_AAAA' }, ['/secret']),
];

const TEXTS: BadCase[] = [
  create('description too long', { description: 'd'.repeat(1025) }, ['/description']),
  create('description a number', { description: 123 }, ['/description']),
  create('description with U+0000', { description: 'a\u0000' }, ['/description']),
  create('description with a bell', { description: 'ding\u0007' }, ['/description']),
  create('description with a lone surrogate', { description: '\ud83d' }, ['/description']),
  create('metadata an array', { metadata: ['a'] }, ['/metadata']),
  create('metadata a string', { metadata: 'team=erp' }, ['/metadata']),
  create(
    'metadata with 51 entries',
    { metadata: Object.fromEntries(many(51, (i) => `k${i}`).map((k) => [k, 'v'])) },
    ['/metadata'],
  ),
  create('metadata value a number', { metadata: { team: 1 } }, ['/metadata/team']),
  create('metadata value an object', { metadata: { team: { name: 'erp' } } }, ['/metadata/team']),
  create('metadata value too long', { metadata: { team: 'v'.repeat(1025) } }, ['/metadata/team']),
  create('metadata value with U+0000', { metadata: { team: 'a\u0000' } }, ['/metadata/team']),
  create('metadata key empty', { metadata: { '': 'v' } }, ['/metadata/']),
  create('metadata key too long', { metadata: { ['k'.repeat(129)]: 'v' } }, [`/metadata/${'k'.repeat(129)}`]),
  create('metadata key with a line break', { metadata: { 'a\nb': 'v' } }, ['/metadata/a\nb']),
];

const FRAMING: BadCase[] = [
  {
    name: 'create: body a JSON array',
    body: '[]',
    headers: { 'content-type': 'application/json' },
    status: 422,
    paths: ['/'],
  },
  {
    name: 'create: body a JSON string',
    body: '"hi"',
    headers: { 'content-type': 'application/json' },
    status: 422,
    paths: ['/'],
  },
  {
    name: 'create: body JSON null',
    body: 'null',
    headers: { 'content-type': 'application/json' },
    status: 422,
    paths: ['/'],
  },
  { name: 'create: no body', status: 422, paths: ['/'] },
  {
    name: 'create: malformed JSON',
    body: '{"url": "https://hooks.example.com/", ',
    headers: { 'content-type': 'application/json' },
    status: 400,
    paths: ['/'],
  },
  {
    name: 'create: empty JSON body',
    body: '',
    headers: { 'content-type': 'application/json' },
    status: 400,
    paths: ['/'],
  },
  {
    name: 'create: __proto__ key',
    body: '{"url":"https://hooks.example.com/","types":["*"],"__proto__":{"x":1}}',
    headers: { 'content-type': 'application/json' },
    status: 400,
    paths: ['/'],
  },
  {
    name: 'create: constructor.prototype key',
    body: '{"url":"https://hooks.example.com/","types":["*"],"constructor":{"prototype":{"x":1}}}',
    headers: { 'content-type': 'application/json' },
    status: 400,
    paths: ['/'],
  },
  {
    name: 'create: invalid UTF-8',
    body: Buffer.concat([
      Buffer.from('{"url":"https://hooks.example.com/","types":["*"],"tenant":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]),
    headers: { 'content-type': 'application/json' },
    status: 400,
    paths: ['/'],
  },
  {
    name: 'create: UTF-8 cut off at the end',
    body: Buffer.concat([
      Buffer.from('{"url":"https://hooks.example.com/","types":["*"],"tenant":"x"}'),
      Buffer.from([0xe2, 0x82]),
    ]),
    headers: { 'content-type': 'application/json' },
    status: 400,
    paths: ['/'],
  },
  {
    name: 'create: JSON sent as text/plain',
    body: JSON.stringify(endpointBody()),
    headers: { 'content-type': 'text/plain' },
    status: 415,
    paths: ['/'],
  },
  {
    name: 'create: a form',
    body: 'url=https%3A%2F%2Fhooks.example.com%2F&types=*',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    paths: ['/'],
  },
  {
    name: 'create: XML',
    body: '<endpoint/>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    paths: ['/'],
  },
  {
    name: 'create: body without a content type',
    body: JSON.stringify(endpointBody()),
    status: 415,
    paths: ['/'],
  },
  {
    name: 'create: body over 64 KiB',
    body: endpointBody({ description: 'x'.repeat(70_000) }),
    status: 413,
    paths: ['/'],
  },
  {
    name: 'create: body over 64 KiB, declared as 1 byte',
    body: JSON.stringify(endpointBody({ description: 'x'.repeat(70_000) })),
    headers: { 'content-type': 'application/json', 'content-length': '1' },
    status: 413,
    paths: ['/'],
  },
  {
    name: 'create: chunked body over 64 KiB',
    body: Readable.from(
      many(70, () => 'x'.repeat(1024)).map((chunk, i) => (i === 0 ? `{"description":"${chunk}` : chunk)),
    ),
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    status: 413,
    paths: ['/'],
  },
  {
    name: 'create: a query parameter',
    url: '/v1/endpoints?dryRun=true',
    body: endpointBody(),
    status: 400,
    paths: ['/dryRun'],
  },
];

const UPDATES: BadCase[] = [
  patch('types empty', { types: [] }, ['/types']),
  patch('url refused by the policy', { url: 'http://192.168.1.1/' }, ['/url']),
  patch('url null', { url: null }, ['/url']),
  patch('types null', { types: null }, ['/types']),
  patch('enabled as text', { enabled: 'yes' }, ['/enabled']),
  patch('description null', { description: null }, ['/description']),
  patch('metadata null', { metadata: null }, ['/metadata']),
  patch('tenant empty', { tenant: '' }, ['/tenant']),
  patch('narrowed types orphan a pin', { types: ['payments.*'] }, ['/versions/orders.order.shipped']),
  patch('a pin that cannot read later versions', { types: ['*'], versions: { 'legacy.item.changed': 1 } }, [
    '/versions/legacy.item.changed',
  ]),
  patch('disabledReason set by the client', { disabledReason: 'because' }, ['/disabledReason']),
  patch('createdAt set by the client', { createdAt: '2020-01-01T00:00:00Z' }, ['/createdAt']),
  patch('body a JSON array', [{ description: 'x' }], ['/']),
  {
    name: 'update: JSON sent as text/plain',
    method: 'PATCH',
    url: '/v1/endpoints/{id}',
    body: '{"description":"x"}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    paths: ['/'],
  },
  {
    name: 'update: garbage id',
    method: 'PATCH',
    url: '/v1/endpoints/garbage',
    body: { description: 'x' },
    status: 400,
    paths: ['/id'],
  },
  {
    name: 'update: unknown id',
    method: 'PATCH',
    url: `/v1/endpoints/${VALID_V7}`,
    body: { description: 'x' },
    status: 404,
    paths: ['/id'],
  },
  {
    name: 'update: unknown id and a refused URL',
    method: 'PATCH',
    url: `/v1/endpoints/${VALID_V7}`,
    body: { url: 'http://127.0.0.1/' },
    status: 404,
    paths: ['/id'],
  },
];

const ROTATIONS: BadCase[] = [
  rotate('overlap negative', { overlapMs: -1 }, ['/overlapMs']),
  rotate('overlap over 7 days', { overlapMs: 7 * 86_400_000 + 1 }, ['/overlapMs']),
  rotate('overlap fractional', { overlapMs: 1.5 }, ['/overlapMs']),
  rotate('overlap as text', { overlapMs: '1000' }, ['/overlapMs']),
  rotate('an unknown field', { overlap: 1000 }, ['/overlap']),
  rotate('body a JSON array', [], ['/']),
  {
    name: 'rotate: garbage id',
    method: 'POST',
    url: '/v1/endpoints/ep_nope/secret/rotate',
    status: 400,
    paths: ['/id'],
  },
  {
    name: 'rotate: unknown id',
    method: 'POST',
    url: `/v1/endpoints/${VALID_V7}/secret/rotate`,
    status: 404,
    paths: ['/id'],
  },
];

const LOOKUPS: BadCase[] = [
  get('get: garbage id', '/v1/endpoints/garbage', 400, ['/id']),
  get('get: uuidv4 id', '/v1/endpoints/ep_1b4e28ba-2fa1-41d2-883f-0016d3cca427', 400, ['/id']),
  get('get: upper-case id', `/v1/endpoints/${VALID_V7.toUpperCase()}`, 400, ['/id']),
  get('get: id with a snowman', '/v1/endpoints/ep_%E2%98%83', 400, ['/id']),
  get('get: id with U+0000', '/v1/endpoints/ep_%00', 400, ['/id']),
  get('get: id not percent-encoded UTF-8', '/v1/endpoints/ep_%FF', 400, ['/']),
  get('get: id over the router limit', `/v1/endpoints/${'e'.repeat(300)}`, 414, ['/']),
  get('get: unknown id', `/v1/endpoints/${VALID_V7}`, 404, ['/id']),
  get('get: a query parameter', '/v1/endpoints/{id}?expand=secret', 400, ['/expand']),
  { name: 'delete: garbage id', method: 'DELETE', url: '/v1/endpoints/1', status: 400, paths: ['/id'] },
  {
    name: 'delete: unknown id',
    method: 'DELETE',
    url: `/v1/endpoints/${VALID_V7}`,
    status: 404,
    paths: ['/id'],
  },
  get('list: limit 0', '/v1/endpoints?limit=0', 400, ['/limit']),
  get('list: limit 101', '/v1/endpoints?limit=101', 400, ['/limit']),
  get('list: limit not a number', '/v1/endpoints?limit=ten', 400, ['/limit']),
  get('list: limit negative', '/v1/endpoints?limit=-1', 400, ['/limit']),
  get('list: limit twice', '/v1/endpoints?limit=1&limit=2', 400, ['/limit']),
  get('list: cursor garbage', '/v1/endpoints?cursor=%%%', 400),
  get(
    'list: cursor of something else',
    `/v1/endpoints?cursor=${Buffer.from('ep_x').toString('base64url')}`,
    400,
    ['/cursor'],
  ),
  get('list: unknown parameter', '/v1/endpoints?enabled=true', 400, ['/enabled']),
  get('unknown route under /v1/endpoints', '/v1/endpoints/{id}/nothing', 404, ['/']),
];

const TOKENS: BadCase[] = [
  { name: 'create without a token', body: endpointBody(), token: null, status: 401, paths: ['/'] },
  {
    name: 'create with a wrong token',
    body: endpointBody(),
    token: 'x'.repeat(40),
    status: 401,
    paths: ['/'],
  },
  {
    name: 'rotate with a wrong token',
    method: 'POST',
    url: '/v1/endpoints/{id}/secret/rotate',
    token: 'wrong',
    status: 401,
    paths: ['/'],
  },
  {
    name: 'delete without a token',
    method: 'DELETE',
    url: '/v1/endpoints/{id}',
    token: null,
    status: 401,
    paths: ['/'],
  },
];

export const CASES: BadCase[] = [
  ...URLS,
  ...TYPES,
  ...TENANTS,
  ...VERSIONS,
  ...FORMATS,
  ...NUMBERS_AND_FLAGS,
  ...TEXTS,
  ...FRAMING,
  ...UPDATES,
  ...ROTATIONS,
  ...LOOKUPS,
  ...TOKENS,
];
