/**
 * `herald schemas check --pins` and `herald webhooks pins`, through the built CLI in throw-away git
 * repositories based on the real schemas/ tree: a pull request adds `legacy.item.changed` at
 * BACKWARD, whose v2 drops a field v1 needs, and the webhook endpoints' pins come from a file (as a
 * CI without access to the deployed app reads them) or from a webhooks app's URL (an HTTP server
 * standing in for GET /v1/pins, which checks the bearer token). The real app's answer is read by
 * the same commands in apps/webhooks/test/webhooks-cloudevents.int-spec.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { herald } from './spec-support/herald-process';
import {
  createTemplateRepo,
  removeTemplateRepo,
  SchemaRepo,
  type JsonReport,
} from './spec-support/schema-repo.fixture';

const LEGACY = 'schemas/legacy/legacy.item.changed';
const TOKEN = 'pins-test-admin-token-0123456789';

const schema = (version: number, fields: object[]) => ({
  type: 'record',
  name: 'ItemChanged',
  namespace: 'herald.legacy',
  doc: `An item of a shop changed (version ${version}).`,
  fields: [
    { name: 'item_id', type: 'string', doc: 'The item that changed.' },
    { name: 'shop_id', type: 'string', doc: 'The shop the item belongs to.' },
    ...fields,
  ],
});
const COLOUR = { name: 'colour', type: 'string', doc: 'The colour of the item.' };
const SIZE = {
  name: 'size',
  type: ['null', 'string'],
  default: null,
  doc: 'The size of the item, if it has one.',
};

let template: string;
let repo: SchemaRepo;

beforeAll(() => {
  template = createTemplateRepo();
});
afterAll(() => removeTemplateRepo(template));
beforeEach(() => {
  repo = SchemaRepo.copyOf(template);
  // BACKWARD lets v2 drop `colour`; v1 has it without a default, so v1 cannot read v2 or v3.
  repo.write(
    `${LEGACY}/event.yaml`,
    'description: An item of a shop changed.\nowner: catalog-team\ncompatibility: BACKWARD\nkey: item_id\ntenant: shop_id\n',
  );
  repo.writeJson(`${LEGACY}/v1.avsc`, schema(1, [COLOUR]));
  repo.writeJson(`${LEGACY}/v2.avsc`, schema(2, []));
  repo.writeJson(`${LEGACY}/v3.avsc`, schema(3, [SIZE]));
  repo.commit();
});
afterEach(() => repo.dispose());

const pinsFile = (pins: unknown) => {
  repo.write('pins.json', typeof pins === 'string' ? pins : JSON.stringify(pins));
  return 'pins.json';
};
const report = (stdout: string) => JSON.parse(stdout) as JsonReport;

describe('herald schemas check --pins <file>', () => {
  it('fails a change that a pinned version cannot read, at the offending version, naming the endpoints', () => {
    const file = pinsFile({
      pins: [
        { type: 'legacy.item.changed', version: 1, endpoints: 3 },
        { type: 'orders.order.shipped', version: 1, endpoints: 5 },
      ],
    });
    const { status, stdout, stderr } = repo.herald(['schemas', 'check', '--format', 'json', '--pins', file]);
    expect(status).toBe(1);
    expect(stderr).toBe('herald: checked 2 pinned versions (8 endpoint pins) from pins.json\n');
    const violations = report(stdout).violations;
    // The tree itself is fine: only the pins fail, once per later version, at its field list.
    expect(violations.map((v) => [v.rule, v.file, v.line, v.column, v.pointer])).toEqual([
      [
        'pinned-version',
        `${LEGACY}/v2.avsc`,
        ...Object.values(repo.positionOf(`${LEGACY}/v2.avsc`, '"fields"')),
        '/fields',
      ],
      [
        'pinned-version',
        `${LEGACY}/v3.avsc`,
        ...Object.values(repo.positionOf(`${LEGACY}/v3.avsc`, '"fields"')),
        '/fields',
      ],
    ]);
    expect(violations[0]!.severity).toBe('error');
    expect(violations[0]!.message).toMatch(
      /^v2 cannot be read by version 1, which 3 webhook endpoints pin \(its compatibility is BACKWARD\): .*"colour".*move those endpoints' pins to version 2 or drop them/,
    );
    expect(report(stdout).summary).toMatchObject({ errors: 2 });
  });

  it('reports the same finding in the text and GitHub formats', () => {
    const file = pinsFile({ pins: [{ type: 'legacy.item.changed', version: 1, endpoints: 1 }] });
    const text = repo.herald(['schemas', 'check', '--pins', file]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(`${LEGACY}/v2.avsc`);
    expect(text.stdout).toMatch(
      /error\s+v2 cannot be read by version 1, which 1 webhook endpoint pins .* pinned-version/,
    );
    const github = repo.herald(['schemas', 'check', '--format', 'github', '--pins', file]);
    const { line, column } = repo.positionOf(`${LEGACY}/v3.avsc`, '"fields"');
    expect(github.stdout).toContain(
      `::error file=${LEGACY}/v3.avsc,line=${line},col=${column},title=pinned-version::v3 cannot be read by version 1`,
    );
  });

  it('passes pins that read every later version, and checks nothing without --pins', () => {
    const file = pinsFile({ pins: [{ type: 'legacy.item.changed', version: 2, endpoints: 2 }] });
    const pinned = repo.herald(['schemas', 'check', '--format', 'json', '--pins', file]);
    expect(pinned.status).toBe(0);
    expect(report(pinned.stdout).violations).toEqual([]);
    const plain = repo.herald(['schemas', 'check', '--format', 'json']);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toBe('');
  });

  it('reports a pin of a type the tree no longer has', () => {
    const file = pinsFile({ pins: [{ type: 'legacy.item.renamed', version: 1, endpoints: 2 }] });
    const { status, stdout } = repo.herald(['schemas', 'check', '--format', 'json', '--pins', file]);
    expect(status).toBe(1);
    expect(report(stdout).violations).toEqual([
      expect.objectContaining({
        rule: 'pinned-version',
        file: 'schemas',
        message: expect.stringMatching(
          /^2 webhook endpoints pin version 1 of legacy\.item\.renamed, but the type is not in the catalog/,
        ) as unknown,
      }),
    ]);
  });

  it.each([
    ['a missing file', undefined, /cannot read the pins file missing\.json/],
    ['a file that is not JSON', '{"pins": [', /the pins file pins\.json is not JSON/],
    [
      'a file of another shape',
      { pins: [{ type: 'x', version: 0, endpoints: 1 }] },
      /\/pins\/0\/version must be a schema version/,
    ],
    ['an array', [], /\/ must be a JSON object \{"pins": \[\.\.\.\]\}/],
  ])('stops on %s: exit 2, nothing on stdout', (_name, content, message) => {
    const file = content === undefined ? 'missing.json' : pinsFile(content);
    const { status, stdout, stderr } = repo.herald(['schemas', 'check', '--pins', file]);
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
    expect(stderr).toMatch(message);
  });
});

describe('pins from a webhooks app URL', () => {
  let server: Server;
  let base = '';
  const seen: Array<{ url: string; authorization: string | undefined }> = [];
  const pins = { pins: [{ type: 'legacy.item.changed', version: 1, endpoints: 4 }] };

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'about:blank',
            title: 'Unauthorized',
            status: 401,
            detail: 'a valid admin bearer token is required',
          }),
        );
        return;
      }
      res.writeHead(req.url === '/v1/pins' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(pins));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  // Run asynchronously: the stand-in server answers from this process.
  const check = (args: string[], env: Record<string, string> = {}) =>
    herald(['schemas', 'check', '--dir', join(repo.dir, 'schemas'), '--format', 'json', ...args], { env });

  it('fetches GET /v1/pins with WEBHOOKS_ADMIN_TOKEN as bearer', async () => {
    const { status, stdout, stderr } = await check(['--pins', base], { WEBHOOKS_ADMIN_TOKEN: TOKEN });
    expect(status).toBe(1);
    expect(seen).toEqual([{ url: '/v1/pins', authorization: `Bearer ${TOKEN}` }]);
    expect(stderr).toBe(`herald: checked 1 pinned version (4 endpoint pins) from ${base}/v1/pins\n`);
    expect(report(stdout).violations.map((v) => [v.rule, v.file])).toEqual([
      ['pinned-version', `${LEGACY}/v2.avsc`],
      ['pinned-version', `${LEGACY}/v3.avsc`],
    ]);
  });

  it('stops with exit 2 without the token, with a wrong one, or when nothing answers', async () => {
    const missing = await check(['--pins', `${base}/v1/pins`], { WEBHOOKS_ADMIN_TOKEN: '' });
    expect({ status: missing.status, stdout: missing.stdout }).toEqual({ status: 2, stdout: '' });
    expect(missing.stderr).toMatch(/WEBHOOKS_ADMIN_TOKEN is not set/);
    expect(seen).toEqual([]);

    const wrong = await check(['--pins', base], { WEBHOOKS_ADMIN_TOKEN: 'not-the-token' });
    expect({ status: wrong.status, stdout: wrong.stdout }).toEqual({ status: 2, stdout: '' });
    expect(wrong.stderr).toMatch(/answered 401 .*a valid admin bearer token is required/);

    const closed = await check(['--pins', 'http://127.0.0.1:1'], { WEBHOOKS_ADMIN_TOKEN: TOKEN });
    expect({ status: closed.status, stdout: closed.stdout }).toEqual({ status: 2, stdout: '' });
    expect(closed.stderr).toMatch(/cannot reach the webhooks app at http:\/\/127\.0\.0\.1:1\/v1\/pins/);
  });

  it('herald webhooks pins --json exports the file the check reads; without --json, a table', async () => {
    const exported = await herald(['webhooks', 'pins', '--json'], {
      env: { WEBHOOKS_URL: base, WEBHOOKS_ADMIN_TOKEN: TOKEN },
    });
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual(pins);
    const file = pinsFile(exported.stdout);
    const fromFile = repo.herald(['schemas', 'check', '--format', 'json', '--pins', file]);
    const fromUrl = await check(['--pins', base], { WEBHOOKS_ADMIN_TOKEN: TOKEN });
    expect(report(fromFile.stdout).violations).toEqual(report(fromUrl.stdout).violations);

    const table = await herald(['webhooks', 'pins', '--url', base], { env: { WEBHOOKS_ADMIN_TOKEN: TOKEN } });
    expect(table.stdout.split('\n')).toEqual([
      'type                 version  endpoints',
      'legacy.item.changed  1        4',
      '',
    ]);
    const refused = await herald(['webhooks', 'pins', '--url', base], {
      env: { WEBHOOKS_ADMIN_TOKEN: 'wrong' },
    });
    expect({ status: refused.status, stdout: refused.stdout }).toEqual({ status: 2, stdout: '' });
    expect(refused.stderr).toMatch(/^herald webhooks pins: the webhooks app at .* answered 401/);
  });
});
