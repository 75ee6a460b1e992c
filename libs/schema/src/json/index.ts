export * from './json-mapping';
export type { ValidationIssue } from './json-to-avro';
export * from './json-sample';
export { isPlainUnion } from './avro-to-json';
