// @herald/sdk as a user gets it: `npm run build:sdk`, `npm pack`, the tarball installed in fresh
// projects. A TypeScript program compiles against the packed types (a wrong field does not), with
// the per-version event types imported from the package; the quickstart of examples/sdk-quickstart
// and the READMEs' snippets compile in an ES module project and in a CommonJS project with their
// own tsconfig; compiled, the programs publish through a fake gateway and through the real one.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import ts from 'typescript';

import { accepted, FakeGateway } from './fake-gateway';
import {
  compileProject,
  copyExample,
  EXAMPLES_DIR,
  installPackedSdk,
  packSdk,
  REPO_ROOT,
  run,
  SDK_DIR,
  type PackedSdk,
} from './packed-sdk';
import { QUICKSTART_TYPE, QuickstartGateway } from './quickstart-gateway';

// Jest's asymmetric matchers are typed `any`; as `unknown` they satisfy no-unsafe-assignment.
const containing = (shape: object): unknown => expect.objectContaining(shape);
const notMatching = (pattern: RegExp): unknown => expect.not.stringMatching(pattern);
const KINDS = ['esm', 'cjs'] as const;

/** Type-checks and emits `file` as a user's CommonJS project would, against node_modules only. */
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

/** The first ```ts block after `heading` in a Markdown file of the repository. */
async function snippet(file: string, heading: string): Promise<string> {
  const text = await readFile(join(REPO_ROOT, file), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(text.slice(text.indexOf(heading)))?.[1];
  if (!text.includes(heading) || block === undefined)
    throw new Error(`no \`\`\`ts block after ${heading} in ${file}`);
  return block;
}

let workspace: string;
let sdk: PackedSdk;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'herald-sdk-user-'));
  sdk = await packSdk(workspace);
}, 120_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('@herald/sdk packed', () => {
  let project: string;
  let gateway: FakeGateway;

  beforeAll(async () => {
    project = join(workspace, 'plain');
    await installPackedSdk(project, sdk);
    gateway = await FakeGateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('holds the compiled SDK with its generated event types, and no sources, tests or monorepo paths', async () => {
    expect(sdk.files).toEqual(
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
    expect(
      sdk.files.filter((path) => !/^(package\.json|README\.md|dist\/.*\.(js|d\.ts))$/.test(path)),
    ).toEqual([]);
    expect(sdk.files.filter((path) => /\.spec\.|\/test\//.test(path))).toEqual([]);
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

describe('examples/sdk-quickstart against the packed SDK', () => {
  const projects = new Map<(typeof KINDS)[number], string>();
  let gateway: QuickstartGateway | undefined;

  beforeAll(async () => {
    for (const kind of KINDS) {
      const project = await copyExample(kind, join(workspace, 'examples'));
      await installPackedSdk(project, sdk);
      projects.set(kind, project);
    }
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it.each(KINDS)('the %s project depends on the tarball `npm pack` writes in libs/sdk', async (kind) => {
    const manifest = JSON.parse(await readFile(join(EXAMPLES_DIR, kind, 'package.json'), 'utf8')) as {
      type: string;
      dependencies: Record<string, string>;
    };
    expect(manifest.type).toBe(kind === 'esm' ? 'module' : 'commonjs');
    const spec = manifest.dependencies['@herald/sdk'] ?? '';
    expect(spec).toMatch(/^file:/);
    expect(resolve(EXAMPLES_DIR, kind, spec.slice('file:'.length))).toBe(join(SDK_DIR, sdk.filename));
  });

  it.each(KINDS)(
    'the %s project compiles with its own tsconfig, with the READMEs’ snippets',
    async (kind) => {
      const project = projects.get(kind)!;
      const readmes: Array<[string, string]> = [
        ['readme.ts', await snippet('README.md', '## Publishing events: the gateway and the SDK')],
        ['sdk-readme.ts', await snippet('libs/sdk/README.md', '## Publishing')],
      ];
      await mkdir(join(project, 'src'), { recursive: true });
      for (const [file, text] of readmes) await writeFile(join(project, 'src', file), text);
      expect(await compileProject(project)).toBe('');
      const compiled = await readFile(join(project, 'dist/publish-payment.js'), 'utf8');
      // Really two module kinds: ES module syntax in one, require() in the other.
      if (kind === 'esm') expect(compiled).toMatch(/^import \{ HeraldClient \} from '@herald\/sdk';$/m);
      else expect(compiled).toMatch(/require\("@herald\/sdk"\)/);
    },
  );

  it.each(KINDS)(
    'the compiled %s quickstart publishes through the real gateway and prints what it published',
    async (kind) => {
      gateway ??= await QuickstartGateway.start();
      const { stdout } = await run(process.execPath, ['dist/publish-payment.js'], {
        cwd: projects.get(kind)!,
        env: { ...process.env, HERALD_GATEWAY_URL: gateway.url, HERALD_API_KEY: gateway.apiKey },
      });
      const printed = JSON.parse(stdout) as {
        published: { id: string; partition: number; offset: string };
        data: { payment_id: string };
      };
      expect(printed.published).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/) as unknown,
        type: QUICKSTART_TYPE,
        version: 2,
        topic: QUICKSTART_TYPE,
        partition: expect.any(Number) as unknown,
        offset: expect.stringMatching(/^\d+$/) as unknown,
      });
      // Exactly that event is in Kafka at the printed coordinates, with the printed data.
      const record = await gateway.readRecord(printed.published.partition, printed.published.offset);
      expect(record).toMatchObject({ id: printed.published.id, key: printed.data.payment_id });
      expect(record.data).toMatchObject(printed.data);
    },
    120_000,
  );
});
