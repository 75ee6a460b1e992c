/**
 * Chooses the commit the working tree is compared with and extracts its schemas folder. With
 * `--against git:<ref>` that is exactly the ref; by default it is where the branch left the
 * mainline (the merge-base with origin/main, else main), so types added to main since do not read
 * as removed here. No repository or no mainline means a first commit: the tree is checked alone,
 * except in CI, where it almost always means a shallow checkout that lacks the mainline, and a
 * check without a base would pass an edited published version.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import type { BaseDescription } from './finding.types';
import type { GitOpening } from './git.repository';
import { SchemaCheckUsageError } from './schema-check.error';

/** The mainline refs a default base is taken from, in order of preference. */
const MAINLINES = ['origin/main', 'main'] as const;

/**
 * `requireBase` (set in CI) turns "no base" into a usage error that says how to get one. It applies
 * to the default base only: an explicit ref either resolves or is an error anyway.
 */
export async function resolveGitBase(
  git: GitOpening,
  ref: string | undefined,
  requireBase = false,
): Promise<BaseDescription> {
  if (ref !== undefined) return resolveExplicit(git, ref);
  const base = await resolveDefault(git);
  if (base.kind === 'none' && requireBase) {
    throw new SchemaCheckUsageError(
      `no git base to compare with (${base.reason}), and in CI the check needs one: without it an edited ` +
        'published version or a removed event type passes unseen. A shallow checkout lacks the mainline: fetch ' +
        'it with the history back to where this branch left it, e.g. `git fetch --no-tags --deepen=200 origin ' +
        'main` (or check out with `fetch-depth: 0`), then run the check again; or name the base with ' +
        '--against git:origin/main',
    );
  }
  return base;
}

async function resolveDefault(git: GitOpening): Promise<BaseDescription> {
  if (!git.ok) return { kind: 'none', reason: `${git.reason}, so there is no base to compare with` };
  if ((await git.repository.resolveCommit('HEAD')) === undefined)
    return { kind: 'none', reason: 'the repository has no commit yet' };
  for (const mainline of MAINLINES) {
    const tip = await git.repository.resolveCommit(mainline);
    const commit = tip === undefined ? undefined : await git.repository.mergeBase('HEAD', tip);
    if (commit !== undefined)
      return { kind: 'git', ref: mainline, commit, label: `merge-base with ${mainline}` };
  }
  return { kind: 'none', reason: `neither ${MAINLINES.join(' nor ')} shares history with HEAD` };
}

async function resolveExplicit(git: GitOpening, ref: string): Promise<BaseDescription> {
  if (ref === '' || ref.startsWith('-'))
    throw new SchemaCheckUsageError(`--against git:${ref} does not name a git ref (e.g. git:origin/main)`);
  if (!git.ok) throw new SchemaCheckUsageError(`--against git:${ref} needs a git repository: ${git.reason}`);
  const commit = await git.repository.resolveCommit(ref);
  if (commit === undefined) {
    throw new SchemaCheckUsageError(
      `git ref "${ref}" does not exist in this repository; fetch it first (e.g. git fetch origin main) ` +
        'or name another branch, tag or commit',
    );
  }
  return { kind: 'git', ref, commit, label: ref };
}

export interface ExtractedTree {
  /** A temporary folder holding the base's copy of the checked folder (empty when it had none). */
  readonly dir: string;
  dispose(): Promise<void>;
}

/** Writes the files under `prefix` at `commit` into a temporary folder, via git's object store only. */
export async function extractBaseTree(
  git: Extract<GitOpening, { ok: true }>,
  commit: string,
): Promise<ExtractedTree> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-schema-base-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const files = await git.repository.listFiles(commit, git.prefix);
    const blobs = await git.repository.readBlobs([...new Set(files.map((file) => file.oid))]);
    for (const file of files) {
      const target = join(dir, file.path.slice(git.prefix.length));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, blobs.get(file.oid) ?? Buffer.alloc(0));
    }
    return { dir, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
