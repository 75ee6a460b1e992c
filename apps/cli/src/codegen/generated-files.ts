/**
 * The generated folder on disk: formatting with the repository's Prettier config, comparing with
 * what is committed (`--check`), and writing. The folder belongs to codegen entirely, so a file
 * there that codegen would not write is "extra" and is removed on write.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { GeneratedFile } from './event-types.generator';
import { formatWithPrettier } from './prettier.formatter';

export interface FolderDifferences {
  /** On disk with other content. */
  stale: string[];
  /** Generated but not on disk. */
  missing: string[];
  /** On disk but not generated. */
  extra: string[];
}

/** Formats every file with the repository's Prettier config, so committed files pass `prettier --check`. */
export async function formatFiles(outDir: string, files: readonly GeneratedFile[]): Promise<GeneratedFile[]> {
  const formatted = await formatWithPrettier(
    files.map((file) => ({ filepath: join(outDir, file.path), content: file.content })),
  );
  return files.map((file, index) => ({ path: file.path, content: formatted[index] ?? file.content }));
}

/** Relative paths of every file under `dir` (none when it does not exist), sorted. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) return listFiles(dir, path);
      return entry.isFile() ? [path] : [];
    }),
  );
  return nested.flat().sort();
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function compareWithFolder(
  outDir: string,
  files: readonly GeneratedFile[],
): Promise<FolderDifferences> {
  const differences: FolderDifferences = { stale: [], missing: [], extra: [] };
  for (const file of files) {
    const current = await readIfExists(join(outDir, file.path));
    if (current === undefined) differences.missing.push(file.path);
    else if (current !== file.content) differences.stale.push(file.path);
  }
  const generated = new Set(files.map((file) => file.path));
  differences.extra = (await listFiles(outDir)).filter((path) => !generated.has(path));
  return differences;
}

/** Writes what changed and removes extra files; returns what it did. */
export async function writeFolder(
  outDir: string,
  files: readonly GeneratedFile[],
): Promise<FolderDifferences> {
  const differences = await compareWithFolder(outDir, files);
  const changed = new Set([...differences.stale, ...differences.missing]);
  for (const file of files.filter((f) => changed.has(f.path))) {
    await mkdir(dirname(join(outDir, file.path)), { recursive: true });
    await writeFile(join(outDir, file.path), file.content);
  }
  for (const path of differences.extra) await rm(join(outDir, path));
  return differences;
}

export function hasDifferences(differences: FolderDifferences): boolean {
  return differences.stale.length + differences.missing.length + differences.extra.length > 0;
}
