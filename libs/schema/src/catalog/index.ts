// Public API of the schema catalog: loading and validating the `schemas/` tree.
export { CatalogError, formatCatalogProblems } from './catalog.error';
export { findEventType, loadCatalog, validateCatalog } from './catalog.loader';
export {
  type Catalog,
  type CatalogProblem,
  type CatalogValidation,
  type EventMetadata,
  type EventTypeDefinition,
  type EventVersion,
} from './catalog.types';
