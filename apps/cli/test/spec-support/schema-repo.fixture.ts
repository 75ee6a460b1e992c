/**
 * Throw-away git repositories for the `herald schemas check` tests: a template holding the real
 * schemas/ tree as the base commit on `main` with a `feature` branch checked out, copied per test,
 * so each test only writes its pull request and runs the built CLI in it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
const HERALD = join(ROOT, 'bin', 'herald.js');
const REAL_SCHEMAS = join(ROOT, 'schemas');

const IDENTITY = [
  '-c',
  'user.email=schema-check@herald.test',
  '-c',
  'user.name=Schema Check',
  '-c',
  'commit.gpgsign=false',
];

export function git(cwd: string, args: readonly string[]): string {
  const result = spawnSync('git', [...IDENTITY, ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface JsonViolation {
  rule: string;
  severity: string;
  file: string;
  line: number | null;
  column: number | null;
  pointer: string;
  message: string;
}

export interface JsonReport {
  violations: JsonViolation[];
  summary: Record<string, unknown>;
}

/** A base commit with the real schemas/ on main, and the `feature` branch checked out. */
export function createTemplateRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-check-template-'));
  cpSync(REAL_SCHEMAS, join(dir, 'schemas'), { recursive: true });
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  git(dir, ['add', '--all']);
  git(dir, ['commit', '--quiet', '--message', 'base: the real schemas']);
  git(dir, ['checkout', '--quiet', '-b', 'feature']);
  return dir;
}

export function removeTemplateRepo(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export class SchemaRepo {
  private constructor(readonly dir: string) {}

  static copyOf(template: string): SchemaRepo {
    const dir = mkdtempSync(join(tmpdir(), 'herald-check-'));
    cpSync(template, dir, { recursive: true });
    return new SchemaRepo(dir);
  }

  /** A folder holding a copy of the real tree, outside any git repository. */
  static plainCopy(): SchemaRepo {
    const dir = mkdtempSync(join(tmpdir(), 'herald-check-plain-'));
    cpSync(REAL_SCHEMAS, join(dir, 'schemas'), { recursive: true });
    return new SchemaRepo(dir);
  }

  /**
   * A clone of `branch` with one commit of history, as CI checkouts make them (actions/checkout's
   * default `fetch-depth: 1`): no mainline ref, and no parents to find a merge-base through.
   */
  static shallowCloneOf(origin: SchemaRepo, branch: string): SchemaRepo {
    const dir = mkdtempSync(join(tmpdir(), 'herald-check-shallow-'));
    git(dir, ['init', '--quiet']);
    git(dir, ['remote', 'add', 'origin', `file://${origin.dir}`]);
    git(dir, [
      'fetch',
      '--quiet',
      '--no-tags',
      '--depth=1',
      'origin',
      `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
    ]);
    git(dir, ['checkout', '--quiet', '--detach', `origin/${branch}`]);
    return new SchemaRepo(dir);
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }

  readJson<T = Record<string, unknown>>(path: string): T {
    return JSON.parse(this.read(path)) as T;
  }

  write(path: string, text: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
  }

  /** Two-space indented, as the repository's schemas are, so expected lines are easy to find. */
  writeJson(path: string, value: unknown): void {
    this.write(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  remove(path: string): void {
    rmSync(join(this.dir, path), { recursive: true, force: true });
  }

  commit(message = 'pull request'): void {
    git(this.dir, ['add', '--all']);
    git(this.dir, ['commit', '--quiet', '--message', message]);
  }

  git(args: readonly string[]): string {
    return git(this.dir, args);
  }

  /** The 1-based line of the first line of `path` containing `snippet`, found independently of the CLI. */
  lineOf(path: string, snippet: string, after = 0): number {
    const lines = this.read(path).split('\n');
    const index = lines.findIndex((line, i) => i >= after && line.includes(snippet));
    if (index === -1) throw new Error(`${snippet} not found in ${path}`);
    return index + 1;
  }

  /** Line and column of `snippet`'s first occurrence (at or after line `after` + 1). */
  positionOf(path: string, snippet: string, after = 0): { line: number; column: number } {
    const line = this.lineOf(path, snippet, after);
    return { line, column: (this.read(path).split('\n')[line - 1] ?? '').indexOf(snippet) + 1 };
  }

  /** Runs the built CLI here; outside CI unless `env` sets CI, whatever runs the tests. */
  herald(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
    const result = spawnSync(process.execPath, [HERALD, ...args], {
      cwd: this.dir,
      env: { ...process.env, CI: undefined, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs the check with --format json and parses its report. */
  check(args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): CliResult & { report: JsonReport } {
    const result = this.herald(['schemas', 'check', '--format', 'json', ...args], env);
    if (result.stdout === '') throw new Error(`no report (exit ${result.status}): ${result.stderr}`);
    return { ...result, report: JSON.parse(result.stdout) as JsonReport };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
