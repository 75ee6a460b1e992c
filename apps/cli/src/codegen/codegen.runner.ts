/**
 * `herald schemas codegen`: loads the catalog, generates and formats the event types, then either
 * writes them or (`--check`, for CI) only reports how the committed folder differs. Returns the
 * exit code and the text to print, so tests drive it without spawning a process.
 */
import { resolve } from 'node:path';

import { CatalogError, loadCatalog } from '@app/schema';

import { generateEventTypes } from './event-types.generator';
import {
  compareWithFolder,
  formatFiles,
  hasDifferences,
  writeFolder,
  type FolderDifferences,
} from './generated-files';

export interface CodegenOptions {
  /** The schemas folder. */
  dir: string;
  /** The generated folder. */
  out: string;
  /** Report differences instead of writing; exit 1 when there are any. */
  check: boolean;
  cwd: string;
}

export interface CodegenOutcome {
  /** 0 ok, 1 stale output (check mode), 2 the catalog cannot be loaded. */
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
  differences?: FolderDifferences;
}

function listing(differences: FolderDifferences): string[] {
  return [
    ...differences.stale.map((path) => `  stale    ${path}`),
    ...differences.missing.map((path) => `  missing  ${path}`),
    ...differences.extra.map((path) => `  extra    ${path}`),
  ];
}

export async function runCodegen(options: CodegenOptions): Promise<CodegenOutcome> {
  const outDir = resolve(options.cwd, options.out);
  let catalog;
  try {
    catalog = await loadCatalog(resolve(options.cwd, options.dir));
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    return { exitCode: 2, stdout: '', stderr: `herald: ${error.message}\n` };
  }
  const files = await formatFiles(outDir, generateEventTypes(catalog));
  if (options.check) {
    const differences = await compareWithFolder(outDir, files);
    if (!hasDifferences(differences)) {
      return {
        exitCode: 0,
        stdout: `${options.out} is up to date (${files.length} files)\n`,
        stderr: '',
        differences,
      };
    }
    const lines = [`${options.out} is out of date with ${options.dir}:`, ...listing(differences)];
    lines.push('Run `herald schemas codegen` and commit the result.');
    return { exitCode: 1, stdout: '', stderr: `${lines.join('\n')}\n`, differences };
  }
  const differences = await writeFolder(outDir, files);
  const changes = listing(differences);
  const summary = changes.length === 0 ? 'no changes' : `${changes.length} changed`;
  return {
    exitCode: 0,
    stdout: [`generated ${files.length} files in ${options.out} (${summary})`, ...changes].join('\n') + '\n',
    stderr: '',
    differences,
  };
}
