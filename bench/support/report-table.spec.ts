import type { Row } from './report-rows';
import {
  END_MARKER,
  formatNumber,
  renderTable,
  replaceSummary,
  START_MARKER,
  type BenchOutcome,
} from './report-table';

const row = (over: Partial<Row> = {}): Row => ({
  bench: 'registry',
  measure: '`GET /schemas/ids/{id}`',
  herald: { value: 13336, unit: 'req/s' },
  baseline: { what: 'bare Fastify', value: 23408, unit: 'req/s' },
  ratio: 0.57,
  target: { on: 'ratio', op: '>=', value: 0.5 },
  met: true,
  ...over,
});

const outcome = (over: Partial<BenchOutcome> = {}): BenchOutcome => ({
  name: 'registry',
  file: 'registry.json',
  status: 'ran',
  date: '2026-12-07T00:20:00.000Z',
  rows: [row()],
  ...over,
});

describe('renderTable', () => {
  it('writes one row per measure: benchmark, measure, Herald, baseline (what), ratio, target, met?', () => {
    const lines = renderTable([outcome()]).split('\n');
    expect(lines[0]).toBe('| benchmark | measure | Herald | baseline (what) | ratio | target | met? |');
    expect(lines[2]).toBe(
      '| registry | `GET /schemas/ids/{id}` | 13,336 req/s | 23,408 req/s (bare Fastify) | 0.57 | ratio ≥ 0.5 | ✔ yes |',
    );
  });

  it('names the benchmark on its first row only, and shows a target on Herald’s figure in its unit', () => {
    const latency = row({
      measure: 'p99',
      herald: { value: 76.52, unit: 'ms' },
      baseline: null,
      ratio: null,
      target: { on: 'herald', op: '<=', value: 250 },
      met: true,
    });
    const lines = renderTable([outcome({ rows: [row(), latency] })]).split('\n');
    expect(lines[3]).toBe('|  | p99 | 76.5 ms | – | – | ≤ 250 ms | ✔ yes |');
  });

  it('reports a failed bench as failed, without figures, and a bench not run with its JSON’s date', () => {
    const text = renderTable([
      outcome({ name: 'gateway', status: 'failed', reason: 'exit 1', rows: [row()] }),
      outcome({ status: 'kept', date: '2026-11-27T01:57:13.286Z' }),
    ]);
    expect(text).toContain('| gateway **FAILED** | exit 1 | – | – | – | | ✘ no |');
    expect(text).not.toContain('| gateway **FAILED** | `GET');
    expect(text).toContain('| registry (not run; JSON of 2026-11-27 01:57) | `GET /schemas/ids/{id}` |');
  });

  it('escapes pipes inside cells', () => {
    expect(renderTable([outcome({ rows: [row({ measure: 'a | b' })] })])).toContain('| a \\| b |');
  });
});

describe('formatNumber', () => {
  it('groups whole numbers from 100 up and keeps three significant figures below', () => {
    expect([
      formatNumber(1412155),
      formatNumber(100.4),
      formatNumber(19.9),
      formatNumber(0.444),
      formatNumber(2.0),
    ]).toEqual(['1,412,155', '100', '19.9', '0.444', '2']);
  });
});

describe('replaceSummary', () => {
  const block = `${START_MARKER}\nnew\n${END_MARKER}`;

  it('rewrites only what lies between the markers', () => {
    const doc = `# Benchmarks\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## Codec\ntext\n`;
    expect(replaceSummary(doc, block)).toBe(`# Benchmarks\n\n${block}\n\n## Codec\ntext\n`);
  });

  it('puts the block under the title the first time', () => {
    expect(replaceSummary('# Benchmarks\n\nIntro.\n', block)).toBe(`# Benchmarks\n\n${block}\n\nIntro.\n`);
  });

  it('refuses a document with one marker only', () => {
    expect(() => replaceSummary(`# B\n${START_MARKER}\n`, block)).toThrow(/one summary marker/);
  });
});
