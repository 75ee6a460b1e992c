/** @app/api-keys: gateway API keys (format, hashing, patterns, Postgres store) and the gateway schema's migrations. */
export * from './api-key';
export * from './api-key.store';
export * from './gateway-migrations';
