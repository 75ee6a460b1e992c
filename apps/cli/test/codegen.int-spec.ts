// Generates types for a throw-away catalog that uses every Avro construct, then type-checks real
// JSON against them with the TypeScript compiler: what JsonAvroMapping accepts (input) and writes
// (toJson, output) must compile; a wrong value must not. Also the `--check` staleness report.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { JsonAvroMapping, type AvroSchemaJson } from '@app/schema';
import ts from 'typescript';

import { runCodegen } from '../src/codegen/codegen.runner';

const INNER = {
  type: 'record',
  name: 'Inner',
  fields: [
    { name: 'label', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};
const SCHEMA: AvroSchemaJson = {
  type: 'record',
  name: 'SinkFilled',
  namespace: 'kitchen',
  doc: 'Every Avro construct once.',
  fields: [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'tenant', type: 'string' },
    { name: 'flag', type: 'boolean' },
    { name: 'small', type: 'int' },
    { name: 'big', type: 'long' },
    { name: 'ratio', type: 'float' },
    { name: 'precise', type: 'double' },
    { name: 'blob', type: 'bytes' },
    { name: 'digest', type: { type: 'fixed', name: 'Digest', size: 4 } },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
    {
      name: 'price_fixed',
      type: { type: 'fixed', name: 'Money', size: 8, logicalType: 'decimal', precision: 9, scale: 2 },
    },
    { name: 'at_ms', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'at_us', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'counts', type: { type: 'map', values: 'long' } },
    { name: 'nested', type: INNER },
    { name: 'maybe', type: ['null', 'string'], default: null },
    { name: 'either', type: ['int', 'long'] },
    { name: 'choice', type: ['null', 'Inner', { type: 'map', values: 'string' }] },
    {
      name: 'list',
      type: {
        type: 'record',
        name: 'Link',
        fields: [
          { name: 'v', type: 'int' },
          { name: 'next', type: ['null', 'Link'], default: null },
        ],
      },
    },
    { name: 'nothing', type: 'null' },
    { name: 'optional_count', type: 'int', default: 7 },
  ],
};

const INPUT = {
  id: '0195f3c2-7a51-7cc2-9c1e-1f2a3b4c5d6e',
  tenant: 't1',
  flag: true,
  small: 5,
  big: '9007199254740993',
  ratio: 'NaN',
  precise: 1.5,
  blob: 'AQID',
  digest: 'AQIDBA==',
  price: 12.5,
  price_fixed: '-3.10',
  at_ms: 1764151200000,
  at_us: '2026-11-26T10:15:00.123456+01:00',
  day: '2026-11-26',
  kind: 'B',
  tags: ['a'],
  counts: { a: 1, b: '9007199254740993' },
  nested: { label: 'x' },
  either: { long: 5 },
  choice: { 'kitchen.Inner': { label: 'y', note: 'n' } },
  list: { v: 1, next: { v: 2 } },
  nothing: null,
};

async function writeCatalog(root: string): Promise<void> {
  const folder = join(root, 'kitchen', 'kitchen.sink.filled');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'v1.avsc'), JSON.stringify(SCHEMA, null, 2));
  await writeFile(
    join(folder, 'event.yaml'),
    'description: A sink was filled.\nowner: test-team\nkey: id\ntenant: tenant\n',
  );
}

/** Diagnostics per check file, compiled together against the generated folder. */
function typeCheck(files: Record<string, string>): Record<string, string[]> {
  const program = ts.createProgram(Object.keys(files), {
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  });
  return Object.fromEntries(
    Object.keys(files).map((file) => {
      const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
      return [file, diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))];
    }),
  );
}

describe('herald schemas codegen on a catalog of every Avro construct', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'herald-codegen-'));
    await writeCatalog(join(root, 'schemas'));
    const outcome = await runCodegen({ dir: 'schemas', out: 'events', check: false, cwd: root });
    expect(outcome).toMatchObject({ exitCode: 0, stderr: '' });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('types the JSON the mapping accepts and writes, and refuses wrong values', async () => {
    const mapping = JsonAvroMapping.compile(SCHEMA);
    const parsed = mapping.fromJson(INPUT);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    // Through the Avro bytes, as webhooks see it: encoding fills in the defaults the input left out.
    const decoded: unknown = mapping.type.fromBuffer(mapping.type.toBuffer(parsed.value));
    const output = mapping.toJson(decoded) as Record<string, unknown>;
    const { maybe: _maybe, ...outputWithoutMaybe } = output;
    const check = (name: string, body: string): [string, string] => [
      join(root, 'checks', `${name}.ts`),
      `import type { EventData, EventInput, SinkFilledV1, SinkFilledV1Input } from '../events';\n${body}\nexport {};\n`,
    ];
    const literal = (value: unknown): string => JSON.stringify(value);
    const files = Object.fromEntries([
      check(
        'valid',
        `const input: EventInput<'kitchen.sink.filled'> = ${literal(INPUT)};
         const output: SinkFilledV1 = ${literal(output)};
         const pinned: EventData<'kitchen.sink.filled', 1> = output;
         const back: SinkFilledV1Input = ${literal(output)};
         void [input, pinned, back];`,
      ),
      check(
        'output-long-as-boolean',
        `const o: SinkFilledV1 = ${literal({ ...output, big: true })}; void o;`,
      ),
      check(
        'output-missing-defaulted-field',
        `const o: SinkFilledV1 = ${literal(outputWithoutMaybe)}; void o;`,
      ),
      check(
        'output-timestamp-as-number',
        `const o: SinkFilledV1 = ${literal({ ...output, at_ms: 1 })}; void o;`,
      ),
      check(
        'input-unknown-symbol',
        `const i: SinkFilledV1Input = ${literal({ ...INPUT, kind: 'C' })}; void i;`,
      ),
      check(
        'input-missing-required',
        `const { tenant: _t, ...i }: SinkFilledV1Input = ${literal(INPUT)}; const j: SinkFilledV1Input = i; void j;`,
      ),
      check(
        'input-unknown-field',
        `const i: SinkFilledV1Input = ${literal({ ...INPUT, extra: 1 })}; void i;`,
      ),
      check(
        'input-plain-value-in-wrapped-union',
        `const i: SinkFilledV1Input = ${literal({ ...INPUT, either: 5 })}; void i;`,
      ),
      check(
        'input-wrong-branch-key',
        `const i: SinkFilledV1Input = ${literal({ ...INPUT, choice: { 'kitchen.Other': {} } })}; void i;`,
      ),
      check('input-array-item', `const i: SinkFilledV1Input = ${literal({ ...INPUT, tags: [1] })}; void i;`),
      check(
        'input-map-value',
        `const i: SinkFilledV1Input = ${literal({ ...INPUT, counts: { a: true } })}; void i;`,
      ),
      check(
        'input-float-word',
        `const i: SinkFilledV1Input = ${literal({ ...INPUT, ratio: 'nan' })}; void i;`,
      ),
      check(
        'unknown-version',
        `type V = EventData<'kitchen.sink.filled', 2>; const v: V | undefined = undefined; void v;`,
      ),
    ]);
    await mkdir(join(root, 'checks'));
    for (const [file, text] of Object.entries(files)) await writeFile(file, text);
    const diagnostics = typeCheck(files);
    const failing = Object.entries(diagnostics).map(([file, messages]) => [
      file.split('/').pop(),
      messages.length > 0,
    ]);
    expect(Object.fromEntries(failing)).toEqual({
      'valid.ts': false,
      'output-long-as-boolean.ts': true,
      'output-missing-defaulted-field.ts': true,
      'output-timestamp-as-number.ts': true,
      'input-unknown-symbol.ts': true,
      'input-missing-required.ts': true,
      'input-unknown-field.ts': true,
      'input-plain-value-in-wrapped-union.ts': true,
      'input-wrong-branch-key.ts': true,
      'input-array-item.ts': true,
      'input-map-value.ts': true,
      'input-float-word.ts': true,
      'unknown-version.ts': true,
    });
  });

  it('writes a deterministic, do-not-edit header and the catalog maps', async () => {
    const index = await readFile(join(root, 'events', 'index.ts'), 'utf8');
    expect(index).toMatch(/^\/\/ Generated by `herald schemas codegen` — do not edit/);
    // No Prettier config above a temporary folder: Prettier's defaults (double quotes) apply.
    expect(index).toMatch(/export const EVENT_TYPE_NAMES = \[\s*"kitchen.sink.filled",?\s*\] as const/);
    expect(index).toMatch(/"kitchen.sink.filled": \{\s*1: SinkFilledV1;\s*latest: SinkFilledV1;\s*\}/);
    const again = await runCodegen({ dir: 'schemas', out: 'events', check: true, cwd: root });
    expect(again.exitCode).toBe(0);
  });
});

describe('herald schemas codegen --check', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'herald-codegen-check-'));
    await writeCatalog(join(root, 'schemas'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const run = (check: boolean) => runCodegen({ dir: 'schemas', out: 'gen', check, cwd: root });

  it('lists stale, missing and extra files, exits 1 and writes nothing', async () => {
    await run(false);
    await writeFile(join(root, 'gen', 'index.ts'), '// edited by hand\n');
    await rm(join(root, 'gen', 'avro-json.ts'));
    await writeFile(join(root, 'gen', 'kitchen', 'old.v9.ts'), 'export {};\n');
    const outcome = await run(true);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.differences).toEqual({
      stale: ['index.ts'],
      missing: ['avro-json.ts'],
      extra: ['kitchen/old.v9.ts'],
    });
    expect(outcome.stderr).toContain('stale    index.ts');
    expect(outcome.stderr).toContain('missing  avro-json.ts');
    expect(outcome.stderr).toContain('extra    kitchen/old.v9.ts');
    expect(await readFile(join(root, 'gen', 'index.ts'), 'utf8')).toBe('// edited by hand\n');
  });

  it('reports a folder never generated as all missing', async () => {
    const outcome = await run(true);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.differences?.missing).toEqual(['avro-json.ts', 'index.ts', 'kitchen/sink-filled.v1.ts']);
  });

  it('is satisfied once codegen has written the folder again', async () => {
    await run(false);
    await writeFile(join(root, 'gen', 'kitchen', 'sink-filled.v1.ts'), 'stale');
    await writeFile(join(root, 'gen', 'extra.ts'), 'export {};\n');
    const rewrite = await run(false);
    expect(rewrite.differences).toMatchObject({ stale: ['kitchen/sink-filled.v1.ts'], extra: ['extra.ts'] });
    expect(await run(true)).toMatchObject({ exitCode: 0 });
  });

  it('exits 2 with the catalog problems when the schemas do not load', async () => {
    await writeFile(join(root, 'schemas', 'kitchen', 'kitchen.sink.filled', 'v2.avsc'), '{ "type": ');
    const outcome = await run(true);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain('v2.avsc');
  });
});
