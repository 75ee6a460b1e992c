/** OpenAPI shapes of the endpoints admin API (the webhooks contract, docs/webhooks.md), for /docs and /docs-json. */
import type { SchemaObject } from '@nestjs/swagger';
import { ENDPOINT_FORMATS } from '../domain/endpoint';
import { LIMITS } from '../domain/endpoint-requests';

const TEXT = 'no lone surrogates, no control characters';

const SETTINGS: Record<string, SchemaObject> = {
  url: {
    type: 'string',
    maxLength: LIMITS.urlLength,
    example: 'https://hooks.example.com/herald',
    description:
      'http(s), no credentials, no fragment; destinations resolving to non-public addresses are refused ' +
      '(unless WEBHOOKS_ALLOWLIST admits them). Stored WHATWG-normalised.',
  },
  types: {
    type: 'array',
    minItems: 1,
    maxItems: LIMITS.types,
    uniqueItems: true,
    items: { type: 'string' },
    example: ['payments.*', 'orders.order.shipped'],
    description: '"*", "<domain>.*" or exact event types; each must match the catalog',
  },
  tenant: {
    type: 'string',
    nullable: true,
    minLength: 1,
    maxLength: LIMITS.tenantLength,
    description: `only events whose tenant field has this value (${TEXT}); null: every tenant`,
  },
  versions: {
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 1 },
    example: { 'orders.order.shipped': 1 },
    description:
      'per exact type the endpoint takes, the schema version its data is delivered in; refused when that version cannot read a later version of the type',
  },
  format: {
    type: 'string',
    enum: [...ENDPOINT_FORMATS],
    default: 'standard',
    description:
      'the body: "standard" is Herald\'s JSON {id, type, version, time, source, subject, data}; "cloudevents" a ' +
      'CloudEvents 1.0 event in structured mode (application/cloudevents+json, the version in the "dataversion" ' +
      'extension). Both carry Standard Webhooks signatures. Read at each attempt: a change applies to retries too.',
  },
  rateLimit: {
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: LIMITS.rateLimit,
    description: 'deliveries per second at most (all workers and instances); null: unlimited',
  },
  ordered: { type: 'boolean', description: 'one delivery at a time, in partition order' },
  description: { type: 'string', maxLength: LIMITS.descriptionLength },
  metadata: {
    type: 'object',
    maxProperties: LIMITS.metadataEntries,
    additionalProperties: { type: 'string', maxLength: LIMITS.metadataValueLength },
    description: `string values; keys 1-${LIMITS.metadataKeyLength} characters`,
  },
};

export const CREATE_ENDPOINT: SchemaObject = {
  type: 'object',
  required: ['url', 'types'],
  additionalProperties: false,
  properties: SETTINGS,
};

export const UPDATE_ENDPOINT: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  description: 'absent fields stay as they are; null clears tenant and rateLimit',
  properties: {
    ...SETTINGS,
    enabled: { type: 'boolean', description: 're-enabling clears disabledReason and the failure clock' },
  },
};

export const ENDPOINT: SchemaObject = {
  type: 'object',
  required: ['id', 'url', 'types', 'enabled', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string', example: 'ep_01936f4e-5a7b-7c3d-9e2f-1a2b3c4d5e6f' },
    ...SETTINGS,
    enabled: { type: 'boolean' },
    disabledReason: {
      type: 'string',
      nullable: true,
      description: 'why it is disabled (the API, a 410, failing for too long); null while enabled',
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const SECRET: SchemaObject = {
  type: 'string',
  example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  description:
    'Standard Webhooks signing secret (whsec_ + base64 of 32 random bytes); shown only in this answer',
};

export const CREATED_ENDPOINT: SchemaObject = {
  ...ENDPOINT,
  required: [...(ENDPOINT.required ?? []), 'secret'],
  properties: { ...ENDPOINT.properties, secret: SECRET },
};

export const ENDPOINT_PAGE: SchemaObject = {
  type: 'object',
  required: ['items', 'nextCursor', 'hasMore'],
  properties: {
    items: { type: 'array', items: ENDPOINT },
    nextCursor: { type: 'string', nullable: true, description: 'pass as `cursor` for the next page' },
    hasMore: { type: 'boolean' },
  },
};

export const ROTATE_SECRET: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    overlapMs: {
      type: 'integer',
      minimum: 0,
      maximum: LIMITS.maxOverlapMs,
      description:
        'how long the secrets used until now keep signing (default WEBHOOKS_SECRET_OVERLAP_MS); 0 revokes them',
    },
  },
};

export const ROTATED_SECRET: SchemaObject = {
  type: 'object',
  required: ['secret', 'previousSecretExpiresAt'],
  properties: {
    secret: SECRET,
    previousSecretExpiresAt: { type: 'string', format: 'date-time' },
  },
};

export const PINS_IN_USE: SchemaObject = {
  type: 'object',
  required: ['pins'],
  properties: {
    pins: {
      type: 'array',
      description: 'by type, then version',
      items: {
        type: 'object',
        required: ['type', 'version', 'endpoints'],
        properties: {
          type: { type: 'string', example: 'orders.order.shipped' },
          version: { type: 'integer', minimum: 1, example: 1 },
          endpoints: {
            type: 'integer',
            minimum: 1,
            description: 'how many endpoints pin this version of the type (disabled ones included)',
          },
        },
      },
    },
  },
};

export const PROBLEM: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 application/problem+json',
  required: ['type', 'title', 'status', 'detail', 'errors'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'JSON pointer, e.g. /types/1' },
          message: { type: 'string' },
        },
      },
    },
  },
};
