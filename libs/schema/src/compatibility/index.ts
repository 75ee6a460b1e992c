/** Public API of the Avro compatibility checker (imported as `@app/schema`). */
export type { AvroSchemaJson } from '../avro-schema-json';
export { INCOMPATIBILITY_TYPES, type Incompatibility, type IncompatibilityType } from './incompatibility';
export { MAX_REPORTED_INCOMPATIBILITIES } from './incompatibility-reporter';
export { InvalidAvroSchemaError } from './invalid-schema.error';
export { checkReaderWriter } from './reader-writer-check';
export {
  COMPATIBILITY_LEVELS,
  checkCompatibility,
  isCompatibilityLevel,
  levelImplies,
  levelRule,
  type LevelRule,
  type CompatibilityDirection,
  type CompatibilityLevel,
  type CompatibilityResult,
  type LevelIncompatibility,
} from './compatibility-levels';
