/**
 * `herald schemas check --pins <file|url>`: adds the `pinned-version` findings (pinned-versions.rule.ts)
 * to the report of the other rules, placed and located as the runner places its own (paths relative
 * to the workspace root: the git top level holding the folder, else the working directory), in the
 * runner's order. It reads the tree again rather than running inside the runner, so the option is
 * one call in the command; that costs one more parse of the tree, and only when pins are checked.
 */
import { posix, relative, resolve, sep } from 'node:path';
import { validateCatalog } from '@app/schema';

import { readCatalogSnapshot } from './catalog-snapshot.reader';
import type { CheckReport } from './finding.types';
import { GitRepository } from './git.repository';
import { pinnedVersionFindings, type PinInUse } from './pinned-versions.rule';
import { byLocation, toViolation } from './schema-check.runner';
import { SourcePositionLocator } from './source-position.locator';

export interface PinsCheckRequest {
  /** The catalog folder, absolute or relative to `cwd` (the check's --dir). */
  readonly dir: string;
  readonly cwd: string;
  readonly pins: readonly PinInUse[];
}

export async function withPinnedVersionFindings(
  report: CheckReport,
  request: PinsCheckRequest,
): Promise<CheckReport> {
  const dir = resolve(request.cwd, request.dir);
  const [head, validation, git] = await Promise.all([
    readCatalogSnapshot(dir),
    validateCatalog(dir),
    GitRepository.open(dir),
  ]);
  const workspaceRoot = git.ok ? git.repository.topLevel : request.cwd;
  const catalogPath = git.ok ? git.prefix.replace(/\/$/, '') : toPosix(relative(request.cwd, dir));
  const locator = new SourcePositionLocator(workspaceRoot);
  const added = await Promise.all(
    pinnedVersionFindings(head, validation.problems, request.pins).map((finding) =>
      toViolation(
        {
          ...finding,
          file: finding.file === '.' ? catalogPath || '.' : posix.join(catalogPath, finding.file),
        },
        locator,
      ),
    ),
  );
  return { ...report, violations: [...report.violations, ...added].sort(byLocation) };
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
