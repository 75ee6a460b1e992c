/** @app/analytics: declared analytics metrics, their file format and their check against a schema. */
export * from './metric-definition';
export * from './metric-schema.check';
