/** The schema registry domain: what the API and the app module use of it. */
export { CompatibilityTester } from './compatibility-tester';
export type { CompatibilityVerdict } from './compatibility-report';
export { MAX_SCHEMA_BYTES, type SchemaInput } from './candidate-schema';
export * from './registry-errors';
export {
  REGISTRY_LEADERSHIP,
  SingleInstanceLeadership,
  type RegistryLeadership,
} from './registry-leadership.port';
export {
  REGISTRY_OBSERVER,
  UNOBSERVED,
  type LookupKind,
  type LookupOutcome,
  type RegistrationOutcome,
  type RegistryObserver,
} from './registry-observer.port';
export { RegistrySettings } from './registry-settings';
export { RegistryStore, DEFAULT_STORE_OPTIONS, type RegistryStoreOptions } from './registry-store';
export type { RegistryMode, SchemaByIdView, SchemaVersionView, SubjectVersionPair } from './registry-types';
export { SCHEMA_LOG } from './registry.tokens';
export type { SchemaLog, SchemaLogKey, SchemaLogKeyType, SchemaLogRecord } from './schema-log.port';
export { SchemaDeletion } from './schema-deletion';
export { SchemaQueries } from './schema-queries';
export { SchemaRegistration, type RegisteredSchema } from './schema-registration';
export { SubjectQueries } from './subject-queries';
export { MAX_SUBJECT_LENGTH } from './subject-name';
