/**
 * `herald schemas check` as a use case, free of the command line: finds the workspace (the git
 * repository holding the folder, else the working directory), picks and extracts the git base,
 * runs every rule, applies herald.yaml and locates each finding in its file. Returns the report;
 * printing it and choosing the exit code is the command's job.
 */
import { stat } from 'node:fs/promises';
import { posix, relative, resolve, sep } from 'node:path';
import { validateCatalog, type Catalog, type CatalogValidation } from '@app/schema';

import { readCatalogSnapshot, type CatalogSnapshot, type TypeSnapshot } from './catalog-snapshot.reader';
import { loadCheckConfig } from './check-config.loader';
import type { BaseDescription, CheckReport, DisabledRule, Finding, Violation } from './finding.types';
import { extractBaseTree, resolveGitBase } from './git-base.resolver';
import { GitRepository, type GitOpening } from './git.repository';
import { collectAnalyticsFindings } from './analytics-metrics.rule';
import { collectRegistryFindings } from './registry-findings.collector';
import { RULES } from './rule.definitions';
import { SchemaCheckUsageError } from './schema-check.error';
import { SourcePositionLocator } from './source-position.locator';
import { collectTreeFindings } from './tree-findings.collector';

export interface SchemaCheckRequest {
  /** The catalog folder, absolute or relative to `cwd`. */
  readonly dir: string;
  readonly cwd: string;
  /** A git ref to compare with; undefined picks the default base. */
  readonly againstRef?: string;
  /** A schema registry URL to compare with instead of a git base. */
  readonly againstRegistry?: string;
  /** No default git base is then a usage error instead of a tree checked alone (CI sets it). */
  readonly requireBase?: boolean;
}

export async function runSchemaCheck(request: SchemaCheckRequest): Promise<CheckReport> {
  const dir = resolve(request.cwd, request.dir);
  const isFolder = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder)
    throw new SchemaCheckUsageError(`schemas folder ${request.dir} does not exist or is not a folder`);
  const git = await GitRepository.open(dir);
  const workspaceRoot = git.ok ? git.repository.topLevel : request.cwd;
  const catalogPath = git.ok ? git.prefix.replace(/\/$/, '') : toPosix(relative(request.cwd, dir));
  const base: BaseDescription =
    request.againstRegistry === undefined
      ? await resolveGitBase(git, request.againstRef, request.requireBase)
      : { kind: 'registry', url: request.againstRegistry };
  const config = await loadCheckConfig(workspaceRoot);
  const [baseSnapshot, validation, head] = await Promise.all([
    readBaseSnapshot(git, base),
    validateCatalog(dir),
    readCatalogSnapshot(dir),
  ]);
  const catalogFindings = (await findingsAgainstBase(head, validation, base, baseSnapshot)).map(
    (finding) => ({
      ...finding,
      file: inWorkspace(catalogPath, finding.file),
    }),
  );
  const analyticsFindings = await collectAnalyticsFindings(workspaceRoot, validation.catalog);
  const findings = foldExplainedIncompatibilities(
    withoutDisabled([...config.findings, ...catalogFindings, ...analyticsFindings], config.disabled),
  );
  const locator = new SourcePositionLocator(workspaceRoot);
  const violations = await Promise.all(findings.map((finding) => toViolation(finding, locator)));
  return {
    dir: catalogPath === '' ? '.' : catalogPath,
    base,
    violations: violations.sort(byLocation),
    disabled: config.disabled,
    eventTypes: head.size,
    versions: [...head.values()].reduce((sum, type) => sum + type.versions.length, 0),
  };
}

/** Tree rules, plus the git history rules or the registry comparison; paths relative to the catalog. */
async function findingsAgainstBase(
  head: CatalogSnapshot,
  validation: CatalogValidation,
  base: BaseDescription,
  baseSnapshot: CatalogSnapshot | undefined,
): Promise<Finding[]> {
  const treeFindings = collectTreeFindings({
    head: withCatalogSchemas(head, validation.catalog),
    problems: validation.problems,
    base:
      baseSnapshot === undefined || base.kind !== 'git'
        ? undefined
        : { snapshot: baseSnapshot, label: base.ref },
  });
  if (base.kind !== 'registry' || validation.catalog === undefined) return treeFindings;
  return [...treeFindings, ...(await collectRegistryFindings(validation.catalog, base.url))];
}

/**
 * The catalog loader has validated every schema of a valid tree with avsc and marked those
 * objects, so the compatibility checker skips validating them again; the snapshot's own parse
 * of the same files would not carry the mark and cost a second avsc pass over the whole tree
 * (about a third of the check's time on 2,000 files).
 */
function withCatalogSchemas(head: CatalogSnapshot, catalog: Catalog | undefined): CatalogSnapshot {
  if (catalog === undefined) return head;
  const validated = new Map<string, unknown>(
    catalog.eventTypes.flatMap((type) => type.versions.map((v) => [v.file, v.schema] as const)),
  );
  const types = [...head].map(([name, type]): [string, TypeSnapshot] => [
    name,
    {
      ...type,
      versions: type.versions.map((v) => (validated.has(v.file) ? { ...v, json: validated.get(v.file) } : v)),
    },
  ]);
  return new Map(types);
}

async function readBaseSnapshot(
  git: GitOpening,
  base: BaseDescription,
): Promise<CatalogSnapshot | undefined> {
  if (!git.ok || base.kind !== 'git') return undefined;
  const tree = await extractBaseTree(git, base.commit);
  try {
    return await readCatalogSnapshot(tree.dir);
  } finally {
    await tree.dispose();
  }
}

function withoutDisabled(findings: readonly Finding[], disabled: readonly DisabledRule[]): Finding[] {
  const off = new Set(disabled.map((entry) => entry.rule));
  return findings.filter((finding) => !(RULES[finding.rule].disableable && off.has(finding.rule)));
}

/**
 * A field added without a default fails the backward check too; when new-field-default already
 * says so at that field, the checker's reader/writer wording adds nothing. With new-field-default
 * disabled the compatibility finding stays, since compatibility cannot be disabled.
 */
function foldExplainedIncompatibilities(findings: readonly Finding[]): Finding[] {
  const explained = new Set(
    findings
      .filter((f) => f.rule === 'new-field-default')
      .map((f) => `${f.file}#${f.pointer.replace(/\/name$/, '')}`),
  );
  return findings.filter(
    (f) =>
      !(
        f.incompatibility?.type === 'READER_FIELD_MISSING_DEFAULT_VALUE' &&
        f.incompatibility.direction === 'backward' &&
        explained.has(`${f.file}#${f.pointer}`)
      ),
  );
}

/** A finding placed at its line and column in its file (shared with the pins check). */
export async function toViolation(finding: Finding, locator: SourcePositionLocator): Promise<Violation> {
  const position = await locator.locate(finding);
  return {
    rule: finding.rule,
    severity: RULES[finding.rule].severity,
    file: finding.file,
    ...(position === undefined ? {} : { line: position.line, column: position.column }),
    pointer: finding.pointer,
    message: finding.message,
  };
}

/** File, line, column, rule, in code-unit order (the same on every machine whatever its locale). */
export function byLocation(a: Violation, b: Violation): number {
  return (
    compare(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compare(a.rule, b.rule)
  );
}

/** Code-unit order, the same on every machine whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function inWorkspace(catalogPath: string, file: string): string {
  return file === '.' ? catalogPath || '.' : posix.join(catalogPath, file);
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
