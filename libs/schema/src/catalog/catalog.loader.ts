// The catalog's entry points: validate or load a whole `schemas/` tree. Validation never stops at the
// first problem; loading refuses a tree with any problem, since a half-loaded catalog would let the
// gateway accept events that the registry or consumers then reject.
import { resolve } from 'node:path';

import { scanCatalogLayout } from './catalog-layout.scanner';
import { CatalogError } from './catalog.error';
import type { Catalog, CatalogProblem, CatalogValidation, EventTypeDefinition } from './catalog.types';
import { loadEventType } from './event-type.loader';

/** Checks every rule of the tree at `rootDir` and returns the catalog only when there is no problem. */
export async function validateCatalog(rootDir: string): Promise<CatalogValidation> {
  const root = resolve(rootDir);
  const layout = await scanCatalogLayout(root);
  const loads = await Promise.all(layout.folders.map((folder) => loadEventType(root, folder)));
  const problems = sortByFile([...layout.problems, ...loads.flatMap((load) => load.problems)]);
  if (problems.length > 0) return { problems };
  const eventTypes = loads
    .flatMap((load) => (load.definition === undefined ? [] : [load.definition]))
    .sort((a, b) => compareStrings(a.type, b.type));
  return { catalog: { root, eventTypes }, problems };
}

/** Loads the tree at `rootDir`; throws a `CatalogError` listing every problem when it is not valid. */
export async function loadCatalog(rootDir: string): Promise<Catalog> {
  const { catalog, problems } = await validateCatalog(rootDir);
  if (catalog === undefined) throw new CatalogError(resolve(rootDir), problems);
  return catalog;
}

export function findEventType(catalog: Catalog, type: string): EventTypeDefinition | undefined {
  return catalog.eventTypes.find((eventType) => eventType.type === type);
}

/** Stable, so the problems of one file keep the order in which its checks found them. */
function sortByFile(problems: CatalogProblem[]): CatalogProblem[] {
  return problems.sort((a, b) => compareStrings(a.file, b.file));
}

/** Code-unit order, independent of the machine's locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
