// @herald/sdk as a user gets it: `npm run build:sdk`, `npm pack`, the tarball unpacked into a
// fresh project's node_modules. A TypeScript program there compiles against the packed types
// (a wrong field does not), with the per-version event types imported from the package, and runs
// against a real HTTP server playing the gateway.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import ts from 'typescript';

import { accepted, FakeGateway } from './fake-gateway';

const run = promisify(execFile);
// Jest's asymmetric matchers are typed `any`; as `unknown` they satisfy no-unsafe-assignment.
const containing = (shape: object): unknown => expect.objectContaining(shape);
const notMatching = (pattern: RegExp): unknown => expect.not.stringMatching(pattern);
const REPO_ROOT = resolve(__dirname, '../../..');
const SDK_DIR = join(REPO_ROOT, 'libs/sdk');

/** Type-checks and emits `file` as a user's project would, against node_modules only. */
function compile(file: string, outDir: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: ['node'],
    typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
    outDir,
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('@herald/sdk packed', () => {
  let project: string;
  let packed: string[];
  let gateway: FakeGateway;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'herald-sdk-user-'));
    await run('npm', ['run', '-s', 'build:sdk'], { cwd: REPO_ROOT });
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], { cwd: SDK_DIR });
    const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packed = info!.files.map((f) => f.path);
    const target = join(project, 'node_modules/@herald/sdk');
    await mkdir(target, { recursive: true });
    await run('tar', ['-xzf', join(project, info!.filename), '-C', target, '--strip-components=1']);
    // Its one dependency, as npm would install it next to it.
    await symlink(join(REPO_ROOT, 'node_modules/uuidv7'), join(project, 'node_modules/uuidv7'), 'dir');
    gateway = await FakeGateway.start();
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await rm(project, { recursive: true, force: true });
  });

  it('holds the compiled SDK with its generated event types, and no sources, tests or monorepo paths', async () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/sdk/src/index.js',
        'dist/sdk/src/index.d.ts',
        'dist/events/src/index.js',
        'dist/events/src/index.d.ts',
        'dist/events/src/payments/payment-received.v2.d.ts',
      ]),
    );
    expect(packed.filter((path) => !/^(package\.json|README\.md|dist\/.*\.(js|d\.ts))$/.test(path))).toEqual(
      [],
    );
    expect(packed.filter((path) => /\.spec\.|\/test\//.test(path))).toEqual([]);
    const dist = join(project, 'node_modules/@herald/sdk/dist');
    const files = (await readdir(dist, { recursive: true })).filter((f) => /\.(js|d\.ts)$/.test(f));
    for (const file of files) {
      expect({ file, text: await readFile(join(dist, file), 'utf8') }).toEqual({
        file,
        text: notMatching(/(require\(|from\s+|import\()["']@app\//),
      });
    }
  });

  it('a user program compiles against it and publishes through it', async () => {
    gateway.handler = (request) =>
      accepted(request.body as { id?: string; type?: string; version?: number }, 41);
    const source = join(project, 'publish.ts');
    await writeFile(
      source,
      `import { HeraldClient, LATEST_EVENT_VERSIONS, SDK_VERSION } from '@herald/sdk';
       async function main(): Promise<void> {
         const herald = new HeraldClient({ url: process.argv[2]!, apiKey: 'hrld_test' });
         const result = await herald.publish('payments.payment.received', {
           payment_id: '0190f3c4-8a1b-7c3d-9e4f-000000000001', merchant_id: 'm-42', amount_minor: 1250,
           currency: 'EUR', method: 'CARD', received_at: '2026-11-27T10:15:00.000Z',
         });
         console.log(JSON.stringify({ result, latest: LATEST_EVENT_VERSIONS['payments.payment.received'], SDK_VERSION }));
       }
       void main();
      `,
    );
    expect(compile(source, join(project, 'out'))).toEqual([]);
    const { stdout } = await run(process.execPath, [join(project, 'out/publish.js'), gateway.url], {
      cwd: project,
    });
    const printed = JSON.parse(stdout) as { result: { id: string; offset: string }; latest: number };
    const manifest = JSON.parse(await readFile(join(SDK_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(printed).toEqual({
      result: containing({ type: 'payments.payment.received', version: 2, offset: '41' }),
      latest: 2,
      SDK_VERSION: manifest.version,
    });
    expect(gateway.requests).toHaveLength(1);
    expect(gateway.requests[0]).toMatchObject({
      path: '/v1/events',
      headers: { authorization: 'Bearer hrld_test' },
      body: { type: 'payments.payment.received', version: 2, id: printed.result.id },
    });
  });

  it('exports the per-version event types, typed as generated (not any)', async () => {
    const typed = join(project, 'types.ts');
    await writeFile(
      typed,
      `import type { PaymentReceivedV1, PaymentReceivedV2, PaymentReceivedV2Input, PaymentReceivedV2Types, AvroJson } from '@herald/sdk';
       export const method: PaymentReceivedV2['method'] = 'DIRECT_DEBIT';
       export const brand: PaymentReceivedV2Types.CardBrand | null = null;
       export const amount: AvroJson.Long = '9007199254740993';
       export type Both = PaymentReceivedV1 | PaymentReceivedV2Input;
      `,
    );
    expect(compile(typed, join(project, 'out-types'))).toEqual([]);
    const wrong = join(project, 'wrong-types.ts');
    await writeFile(
      wrong,
      `import type { PaymentReceivedV1 } from '@herald/sdk';
       export const method: PaymentReceivedV1['method'] = 'DIRECT_DEBIT';
      `,
    );
    // v1 has no DIRECT_DEBIT: the type is the generated union, so the assignment fails.
    expect(compile(wrong, join(project, 'out-wrong-types')).join('\n')).toMatch(/"DIRECT_DEBIT"/);
  });

  it('a wrong field in the data does not compile against the packed types', async () => {
    const source = join(project, 'wrong.ts');
    await writeFile(
      source,
      `import { HeraldClient } from '@herald/sdk';
       const herald = new HeraldClient({ url: 'http://127.0.0.1:1', apiKey: 'k' });
       void herald.publish('payments.payment.received', { payment_id: 'p', amount_minor: 'a lot' });
      `,
    );
    const messages = compile(source, join(project, 'out-wrong'));
    expect(messages.join('\n')).toMatch(/amount_minor|merchant_id/);
  });
});
