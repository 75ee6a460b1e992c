/**
 * The registry's OpenAPI document: what it is, and its write credentials as security schemes, by
 * the names `@ApiBearerAuth()` and `@ApiBasicAuth()` give them on every write (RegistryWrite):
 * either one opens a write.
 */
import type { AppDocs } from '@app/platform';

export const REGISTRY_DOCS = {
  name: 'schema-registry',
  title: 'Herald schema registry',
  description: 'Confluent-compatible schema registry backed by the _schemas topic.',
  securitySchemes: {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description:
        'REGISTRY_WRITE_TOKEN, for writes (register, delete, config, mode); reads are open. ' +
        '`npm run up` keeps a generated one in registry.env. Without credentials configured (loopback only, ' +
        'or REGISTRY_WRITE_AUTH=none) writes are open too.',
    },
    basic: {
      type: 'http',
      scheme: 'basic',
      description:
        'REGISTRY_BASIC_AUTH (`user:password`), for writes, when the registry is configured with it.',
    },
  },
} satisfies AppDocs;
