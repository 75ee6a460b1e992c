/** @app/api-keys: gateway API keys (format, hashing, patterns, Postgres store) and their table's migrations. */
export * from './api-key';
export * from './api-key.store';
export * from './api-key-migrations';
