/**
 * The compatibility table: reader/writer pairs derived from the "Schema Resolution" section of
 * the Avro specification (and, for locations, Java's `SchemaCompatibility`), grouped by rule.
 */
import type { CompatibilityCase } from './compatibility-case';
import { namedTypeCases } from './named-type.cases';
import { nestingCases } from './nesting.cases';
import { primitiveCases } from './primitive.cases';
import { recordCases } from './record.cases';
import { structureCases } from './structure.cases';
import { unionCases } from './union.cases';

export const compatibilityCases: readonly CompatibilityCase[] = [
  ...primitiveCases,
  ...recordCases,
  ...namedTypeCases,
  ...unionCases,
  ...structureCases,
  ...nestingCases,
];
