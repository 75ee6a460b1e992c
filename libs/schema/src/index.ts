/** @app/schema: the schema catalog, the compatibility checker, the wire-format codec and the JSON mapping. */
export type { AvroSchemaJson } from './avro-schema-json';
export * from './catalog';
export * from './codec';
export * from './compatibility';
export * from './json';
export * from './model';
