/**
 * A full schema check at scale: 200 subjects × 10 versions written as a real schemas/ tree,
 * loaded and validated by the catalog loader, then every subject checked at FULL_TRANSITIVE
 * (each version against all earlier ones, both directions: 18,000 reader/writer checks).
 * Target: ≤ 3 s. Baseline in the same run: avsc parsing the same 2,000 schemas
 * (`Type.forSchema`), the least any check must do.
 *   npm run bench:schema-check       (writes docs/benchmarks/schema-check.json)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as avro from 'avsc';
import { checkCompatibility, loadCatalog, type AvroSchemaJson } from '@app/schema';

const SUBJECTS = 200;
const VERSIONS = 10;

function schemaVersion(subject: number, version: number): object {
  const fields: object[] = [
    { name: 'entity_id', type: 'string', doc: 'Partition key.' },
    { name: 'tenant_id', type: 'string', doc: 'Tenant.' },
    { name: 'amount_minor', type: 'long', doc: 'Amount in minor units.' },
    {
      name: 'status',
      type: {
        type: 'enum',
        name: 'Status',
        doc: 'Lifecycle.',
        symbols: ['OPEN', 'DONE', 'OTHER'],
        default: 'OTHER',
      },
      doc: 'State.',
    },
  ];
  for (let v = 2; v <= version; v++) {
    fields.push({ name: `extra_${v}`, type: ['null', 'string'], default: null, doc: `Added in v${v}.` });
  }
  return {
    type: 'record',
    name: `Entity${subject}Changed`,
    namespace: 'herald.bench',
    doc: 'Bench event.',
    fields,
  };
}

function writeTree(root: string): void {
  for (let s = 0; s < SUBJECTS; s++) {
    const type = `bench.entity${s}.changed`;
    const dir = join(root, 'bench', type);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'event.yaml'),
      `description: Bench subject ${s}.\nowner: bench-team\ncompatibility: FULL_TRANSITIVE\nkey: entity_id\ntenant: tenant_id\n`,
    );
    for (let v = 1; v <= VERSIONS; v++) {
      writeFileSync(join(dir, `v${v}.avsc`), JSON.stringify(schemaVersion(s, v), null, 2));
    }
  }
}

const CLI_RUNS = 5;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** One `herald schemas check` over `root` as a process; throws unless it passes. */
function timeCli(root: string): number {
  const start = process.hrtime.bigint();
  const cli = spawnSync(
    process.execPath,
    [join(__dirname, '..', '..', 'bin', 'herald.js'), 'schemas', 'check', '--dir', root],
    { cwd: root, encoding: 'utf8' },
  );
  const elapsed = seconds(start);
  if (cli.status !== 0)
    throw new Error(`herald schemas check exited ${cli.status}:\n${cli.stdout}${cli.stderr}`);
  return elapsed;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'herald-bench-schemas-'));
  try {
    writeTree(root);
    const baselineStart = process.hrtime.bigint();
    for (let s = 0; s < SUBJECTS; s++) {
      for (let v = 1; v <= VERSIONS; v++) avro.Type.forSchema(schemaVersion(s, v) as avro.Schema);
    }
    const baseline = seconds(baselineStart);

    const start = process.hrtime.bigint();
    const catalog = await loadCatalog(root);
    const loaded = seconds(start);
    let pairs = 0;
    let incompatible = 0;
    for (const eventType of catalog.eventTypes) {
      const versions = eventType.versions.map((v) => v.schema);
      for (let i = 1; i < versions.length; i++) {
        const previous = versions.slice(0, i).reverse();
        const result = checkCompatibility(
          eventType.metadata.compatibility,
          versions[i] as AvroSchemaJson,
          previous,
        );
        pairs += previous.length * 2;
        if (!result.compatible) incompatible++;
      }
    }
    const total = seconds(start);
    if (incompatible > 0) throw new Error(`${incompatible} versions unexpectedly incompatible`);

    // The same tree through the CLI a user runs (`herald schemas check`, no git base: the whole
    // tree, every pair, every lint rule), process start-up included. Five runs: on this shared
    // VM one run can take twice another, so the fastest shows the cost, the median the spread.
    const cliRuns = Array.from({ length: CLI_RUNS }, () => timeCli(root));
    const cliSeconds = [...cliRuns].sort((a, b) => a - b);
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      subjects: SUBJECTS,
      versionsPerSubject: VERSIONS,
      readerWriterChecks: pairs,
      catalogLoadSeconds: Math.round(loaded * 1000) / 1000,
      fullCheckSeconds: Math.round(total * 1000) / 1000,
      cliSchemasCheckSeconds: {
        fastest: round3(cliSeconds[0] ?? 0),
        median: round3(cliSeconds[Math.floor(CLI_RUNS / 2)] ?? 0),
        slowest: round3(cliSeconds[CLI_RUNS - 1] ?? 0),
      },
      targetSeconds: 3,
      baselineAvscParseSeconds: Math.round(baseline * 1000) / 1000,
      ratioToBaseline: Math.round((total / baseline) * 10) / 10,
    };
    console.log(JSON.stringify(results, null, 2));
    const out = join(__dirname, '..', '..', 'docs', 'benchmarks');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'schema-check.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
