/**
 * Injection tokens for the registry's outside dependencies. The app module binds SCHEMA_LOG to
 * a SchemaLog adapter (the `_schemas` topic in production, the in-memory log for a single dev
 * instance and for tests).
 */
export const SCHEMA_LOG = Symbol('SCHEMA_LOG');
