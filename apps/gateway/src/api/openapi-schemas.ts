/** OpenAPI shapes of the publish endpoints (the gateway contract, docs/gateway.md), for /docs and /docs-json. */
import type { SchemaObject, SecuritySchemeObject } from '@nestjs/swagger';

/** `bearer`: the scheme `@ApiBearerAuth()` names on the publish routes. */
export const GATEWAY_SECURITY_SCHEMES: Readonly<Record<string, SecuritySchemeObject>> = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A gateway API key (`herald keys create --producer <name> --types "<patterns>"`): its producer becomes ' +
      'ce_source, and it may publish only the event types its patterns match.',
  },
};

/** What the envelope's text fields accept (publish-request.ts: they travel as Kafka headers). */
const TEXT = 'printable text: no control characters, no lone surrogates';

export const EVENT_ENVELOPE: SchemaObject = {
  type: 'object',
  required: ['type', 'data'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', example: 'payments.payment.received' },
    version: { type: 'integer', minimum: 1, description: 'registry version; the latest when absent' },
    id: {
      type: 'string',
      maxLength: 200,
      description: `event id (deduplication key; ${TEXT}); a new UUIDv7 when absent`,
    },
    key: {
      type: 'string',
      maxLength: 4096,
      description: `record key (${TEXT}); the type's key field when absent`,
    },
    time: { type: 'string', format: 'date-time' },
    subject: { type: 'string', maxLength: 1024, description: TEXT },
    data: { type: 'object', description: "the event's data in Herald's JSON mapping of its Avro schema" },
  },
};

export const ACCEPTED_EVENT: SchemaObject = {
  type: 'object',
  required: ['id', 'type', 'version', 'topic', 'partition', 'offset'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    version: { type: 'integer' },
    topic: { type: 'string' },
    partition: { type: 'integer' },
    offset: { type: 'string', description: '64-bit Kafka offset as a decimal string' },
    duplicate: { type: 'boolean', description: 'present (true) when this id was already published' },
  },
};

export const PROBLEM: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 application/problem+json',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

export const BATCH_REQUEST: SchemaObject = {
  type: 'object',
  required: ['events'],
  properties: {
    events: { type: 'array', items: EVENT_ENVELOPE },
    atomic: { type: 'boolean', default: false, description: 'all or nothing, in one Kafka transaction' },
  },
};

export const BATCH_RESPONSE: SchemaObject = {
  type: 'object',
  properties: {
    results: {
      type: 'array',
      items: {
        oneOf: [
          { allOf: [{ type: 'object', properties: { status: { enum: ['accepted'] } } }, ACCEPTED_EVENT] },
          {
            type: 'object',
            properties: { status: { enum: ['rejected'] }, id: { type: 'string' }, error: PROBLEM },
          },
        ],
      },
    },
  },
};
