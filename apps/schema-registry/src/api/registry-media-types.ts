/**
 * The media types the Confluent API speaks: clients send any of these request types, and every
 * answer is `application/vnd.schemaregistry.v1+json`.
 */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export const REQUEST_CONTENT_TYPES = [
  REGISTRY_CONTENT_TYPE,
  'application/vnd.schemaregistry+json',
  'application/json',
  // Confluent's Java client falls back to this "generic request" type.
  'application/octet-stream',
];
