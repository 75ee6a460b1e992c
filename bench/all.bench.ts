/**
 * `npm run bench`: every benchmark one after the other, each as its own process
 * (`node dist/bench/<name>.bench.js`, after the one `npm run build` of the npm script), then one
 * report built from the result JSONs this run wrote: docs/benchmarks/summary.json, the table at
 * the top of docs/benchmarks.md and the latency plot docs/benchmarks/latency.svg.
 *   npm run bench                         every benchmark but the long extras
 *   npm run bench -- --with-extras        also gateway-client and scale-out
 *   npm run bench -- --only gateway,codec only those; the other rows keep their own JSON's date
 *   npm run bench -- --report-only        no benchmark: rebuild the report from the JSONs on disk
 * A benchmark that exits non-zero, or leaves its JSON unchanged, is reported as failed (never
 * with an older file's figures) and makes the command exit non-zero once the report is written.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { format } from 'prettier';
import { BENCHES, resultDate, type BenchSpec } from './support/report-rows';
import { extractRows } from './support/report-extractors';
import { checkFreshness, type ResultStamp } from './support/report-freshness';
import { describeMachine, loadAverage } from './support/report-machine';
import { latencyPoints, renderLatencySvg } from './support/report-plot';
import { renderSummary, replaceSummary, type BenchOutcome, type Summary } from './support/report-table';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'docs', 'benchmarks');
const DOC = join(ROOT, 'docs', 'benchmarks.md');
/** A bench that has not finished in this long is stuck (the longest, gateway, takes about 10 minutes). */
const BENCH_TIMEOUT_MS = 45 * 60_000;

interface Options {
  selected: BenchSpec[];
  reportOnly: boolean;
  command: string;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      'report-only': { type: 'boolean', default: false },
      'with-extras': { type: 'boolean', default: false },
    },
  });
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !BENCHES.some((b) => b.name === name)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
    );
  const selected = BENCHES.filter((b) => (only ? only.includes(b.name) : !b.extra || values['with-extras']));
  return {
    selected,
    reportOnly: values['report-only'],
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };
}

function readJson(file: string): unknown {
  const path = join(OUT, file);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : undefined;
}

function stamp(file: string): ResultStamp {
  const path = join(OUT, file);
  if (!existsSync(path)) return { mtimeMs: null, date: null };
  let date: string | null = null;
  try {
    date = resultDate(readJson(file)) ?? null;
  } catch {
    // A half-written or hand-broken file has no usable date; the freshness check says so.
  }
  return { mtimeMs: statSync(path).mtimeMs, date };
}

/** Narrowing variables (BENCH_ROUNDS, BENCH_SCENARIOS, …) would make a bench skip writing its JSON. */
function benchEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('BENCH_') && !name.startsWith('SCALE_BENCH_'),
    ),
  );
}

function runChild(script: string): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: ROOT, env: benchEnv(), stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGTERM'), BENCH_TIMEOUT_MS);
    child.on('error', (error) => resolve(error.message));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? `killed by ${signal ?? 'a signal'}`);
    });
  });
}

async function runBench(bench: BenchSpec): Promise<BenchOutcome> {
  const before = stamp(bench.file);
  const startedAt = Date.now();
  console.log(`\n=== bench ${bench.name} (${new Date(startedAt).toISOString()})`);
  const exit = await runChild(join(ROOT, 'dist', 'bench', `${bench.name}.bench.js`));
  const seconds = (Date.now() - startedAt) / 1000;
  const after = stamp(bench.file);
  const freshness = checkFreshness(before, after, startedAt);
  const outcome = { name: bench.name, file: bench.file, date: after.date, seconds };
  if (exit !== 0) return { ...outcome, status: 'failed', reason: `exit ${exit}`, rows: [] };
  if (!freshness.fresh) return { ...outcome, status: 'failed', reason: freshness.reason, rows: [] };
  return { ...outcome, status: 'ran', rows: extractRows(bench.name, readJson(bench.file)) };
}

/** A bench not run by this command: its rows from the JSON on disk, marked with that JSON's date. */
function kept(bench: BenchSpec): BenchOutcome | undefined {
  const json = readJson(bench.file);
  if (json === undefined) return undefined;
  return {
    name: bench.name,
    file: bench.file,
    status: 'kept',
    date: resultDate(json) ?? null,
    rows: extractRows(bench.name, json),
  };
}

async function writeReport(summary: Summary): Promise<void> {
  const json = await format(JSON.stringify(summary), { parser: 'json' });
  writeFileSync(join(OUT, 'summary.json'), json);
  // The plot only quotes JSONs the table quotes: a failed bench's old file stays out of it too.
  const usable = (name: string) => {
    const outcome = summary.benches.find((b) => b.name === name);
    return outcome && outcome.status !== 'failed'
      ? { json: readJson(outcome.file), date: outcome.date }
      : undefined;
  };
  const gateway = usable('gateway');
  const webhooks = usable('webhooks');
  const when = (date: string | null) =>
    date === null ? 'no date' : `${date.slice(0, 16).replace('T', ' ')} UTC`;
  const dates = [gateway && `gateway ${when(gateway.date)}`, webhooks && `webhooks ${when(webhooks.date)}`];
  const subtitle = `${dates.filter(Boolean).join(', ')}; ${summary.machine.cores} shared cores`;
  writeFileSync(
    join(OUT, 'latency.svg'),
    `${await renderLatencySvg(latencyPoints(gateway?.json, webhooks?.json), subtitle)}\n`,
  );
  const document = replaceSummary(readFileSync(DOC, 'utf8'), renderSummary(summary));
  writeFileSync(DOC, await format(document, { parser: 'markdown', filepath: DOC, printWidth: 110 }));
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const startedAt = new Date();
  const loadAverageAtStart = loadAverage();
  const ran = new Map<string, BenchOutcome>();
  if (!opts.reportOnly) for (const bench of opts.selected) ran.set(bench.name, await runBench(bench));
  const benches = BENCHES.flatMap((bench) => ran.get(bench.name) ?? kept(bench) ?? []);
  const summary: Summary = {
    command: opts.command,
    machine: describeMachine(ROOT, { loadAverageAtStart, startedAt }),
    benches,
  };
  await writeReport(summary);
  const failed = benches.filter((b) => b.status === 'failed');
  for (const b of benches)
    console.log(`${b.name}: ${b.status}${b.reason ? ` (${b.reason})` : ''}, ${b.rows.length} rows`);
  console.log(
    'wrote docs/benchmarks/summary.json, docs/benchmarks/latency.svg and the summary in docs/benchmarks.md',
  );
  if (failed.length > 0) {
    console.error(`failed: ${failed.map((b) => b.name).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
