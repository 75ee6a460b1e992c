// The error `loadCatalog` throws for a broken `schemas/` tree: it carries every problem found, so a
// schema author fixes them in one pass instead of one per run.
import { types } from 'node:util';

import type { CatalogProblem } from './catalog.types';

export class CatalogError extends Error {
  override readonly name = 'CatalogError';

  constructor(
    readonly root: string,
    readonly problems: CatalogProblem[],
  ) {
    super(formatCatalogProblems(root, problems));
  }
}

/** One line per problem, `file#pointer: message`, the shape editors and CI logs link best. */
export function formatCatalogProblems(root: string, problems: readonly CatalogProblem[]): string {
  const noun = problems.length === 1 ? 'problem' : 'problems';
  const lines = problems.map((p) => `  ${p.file}${p.pointer === '' ? '' : `#${p.pointer}`}: ${p.message}`);
  return [`schema catalog ${root} has ${problems.length} ${noun}:`, ...lines].join('\n');
}

/**
 * The message of anything thrown. `isNativeError` rather than `instanceof Error`, because errors from
 * another realm (Node's fs errors seen from a Jest sandbox) fail `instanceof`.
 */
export function errorMessage(error: unknown): string {
  return types.isNativeError(error) ? error.message : String(error);
}
