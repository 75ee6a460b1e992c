/** @app/registry-client: the Confluent Schema Registry REST client every Herald process uses. */
export * from './registry-client';
export * from './registry-error';
