/**
 * The checker against Apache Avro's Java `SchemaCompatibility` itself: every pair of the
 * compatibility table goes through Java (Avro 1.12.1, resolved by Maven like the Kafka jars) and
 * must get the same incompatibility types at the same locations, in the same order. The
 * deliberate differences (docs/schema-core.md) are listed with their reason and must still
 * differ, so the list cannot outlive them. Needs Java 17+ (a JDK: the harness runs as a source
 * file) and Maven.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { checkReaderWriter } from '.';
import { compatibilityCases } from './spec-support/compatibility-cases';

const run = promisify(execFile);
const HARNESS = join(__dirname, 'spec-support/java-parity');

/** Table rows where the checker knowingly answers otherwise than Java, and why. */
const JAVA_DIFFERS: Readonly<Record<string, string>> = {
  'record: an enum default does not replace a missing field default':
    'reported as READER_FIELD_MISSING_DEFAULT_VALUE at the field; Java: TYPE_MISMATCH at its type',
  'field alias: name and alias match two writer fields (ambiguous)': 'NAME_MISMATCH; Java throws',
  'field alias: an alias repeating the field name is not ambiguous':
    'the one writer field is read; Java counts it twice and throws',
  'reference: a reused named type is checked at every use':
    'reported at each use; Java memoizes the pair and repeats the first location',
  'reference: full-name reference to a type in another namespace':
    'reported at each use; Java memoizes the pair and repeats the first location',
  'reference: referring to an enum inside an array':
    'reported at each use; Java memoizes the pair and repeats the first location',
};

interface Verdict {
  readonly name: string;
  readonly found?: ReadonlyArray<{ type: string; path: string }>;
  readonly error?: string;
}

describe("the compatibility table against Java's SchemaCompatibility", () => {
  let java: Map<string, Verdict>;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'herald-java-parity-'));
    const classpathFile = join(work, 'classpath.txt');
    await run('mvn', [
      '-q',
      '-B',
      '-f',
      join(HARNESS, 'pom.xml'),
      'dependency:build-classpath',
      `-Dmdep.outputFile=${classpathFile}`,
    ]);
    const cases = join(work, 'cases.json');
    await writeFile(
      cases,
      JSON.stringify(compatibilityCases.map(({ name, reader, writer }) => ({ name, reader, writer }))),
    );
    const { stdout } = await run(
      'java',
      ['-cp', (await readFile(classpathFile, 'utf8')).trim(), join(HARNESS, 'JavaCompatibility.java'), cases],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    java = new Map((JSON.parse(stdout) as Verdict[]).map((verdict) => [verdict.name, verdict]));
  }, 300_000);

  afterAll(() => rm(work, { recursive: true, force: true }));

  it('ran every row through Java, and each listed difference is a row', () => {
    expect(java.size).toBe(compatibilityCases.length);
    for (const name of Object.keys(JAVA_DIFFERS)) expect(java.has(name)).toBe(true);
  });

  it.each(compatibilityCases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const ours = checkReaderWriter(c.reader, c.writer).map(({ type, path }) => ({ type, path }));
    const theirs = java.get(name);
    const javaSays = theirs?.error ?? theirs?.found;
    if (JAVA_DIFFERS[name] === undefined)
      expect({ name, verdict: ours }).toEqual({ name, verdict: javaSays });
    else expect({ name, verdict: ours }).not.toEqual({ name, verdict: javaSays });
  });
});
