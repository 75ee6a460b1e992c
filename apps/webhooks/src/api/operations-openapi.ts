/** OpenAPI shapes of the deliveries and operations API (retry, recover, replay, test events, jobs). */
import type { SchemaObject } from '@nestjs/swagger';
import { DELIVERY_ORIGINS } from '../domain/delivery-queries';
import { DELIVERY_STATUSES } from '../domain/delivery-requests';
import { JOB_KINDS, JOB_STATES } from '../domain/jobs';

const TIME: SchemaObject = { type: 'string', format: 'date-time' };
const NULLABLE_TIME: SchemaObject = { ...TIME, nullable: true };
const HEADERS: SchemaObject = { type: 'object', additionalProperties: { type: 'string' } };

export const DELIVERY: SchemaObject = {
  type: 'object',
  required: ['id', 'endpointId', 'eventId', 'type', 'origin', 'jobId', 'status', 'attempts', 'createdAt'],
  properties: {
    id: { type: 'string', example: 'dlv_01936f4e-5a7b-7c3d-9e2f-1a2b3c4d5e6f' },
    endpointId: { type: 'string' },
    eventId: { type: 'string', description: 'the webhook-id header: the same on every attempt' },
    type: { type: 'string', example: 'payments.payment.received' },
    origin: {
      type: 'string',
      enum: [...DELIVERY_ORIGINS],
      description:
        'event: fanned out from Kafka; replay: created by a replay job (jobId); test: a test event',
    },
    jobId: { type: 'string', nullable: true, description: 'the replay job that created it' },
    status: { type: 'string', enum: [...DELIVERY_STATUSES] },
    attempts: { type: 'integer', minimum: 0 },
    nextAttemptAt: { ...NULLABLE_TIME, description: 'when the next attempt is due (pending only)' },
    lastStatus: { type: 'integer', nullable: true, description: "the receiver's last HTTP status" },
    lastError: { type: 'string', nullable: true },
    createdAt: TIME,
    updatedAt: TIME,
  },
};

export const ATTEMPT: SchemaObject = {
  type: 'object',
  required: ['attemptedAt', 'request', 'statusCode', 'latencyMs', 'outcome'],
  properties: {
    attemptedAt: TIME,
    request: {
      type: 'object',
      nullable: true,
      description: 'what was sent; null when nothing was (the body could not be prepared)',
      required: ['url', 'headers', 'body', 'bodyTruncated'],
      properties: {
        url: { type: 'string' },
        headers: {
          ...HEADERS,
          description:
            'every header sent: webhook-id, webhook-timestamp, webhook-signature (HMACs, never the secret), content-type, …',
        },
        body: { type: 'string', description: 'the first 8 KiB (UTF-8) of the body' },
        bodyTruncated: { type: 'boolean' },
      },
    },
    statusCode: { type: 'integer', nullable: true, description: 'null when no response came' },
    latencyMs: { type: 'integer' },
    outcome: {
      type: 'string',
      example: 'http_503',
      description: 'delivered, http_<status>, or timeout, connect, dns, tls, ssrf, network',
    },
    error: { type: 'string', nullable: true },
    responseHeaders: { ...HEADERS, nullable: true },
    responseBody: { type: 'string', nullable: true, description: 'the first 8 KiB of the response body' },
  },
};

export const DELIVERY_DETAIL: SchemaObject = {
  ...DELIVERY,
  required: [...(DELIVERY.required ?? []), 'attemptList'],
  properties: {
    ...DELIVERY.properties,
    attemptList: { type: 'array', items: ATTEMPT, description: 'oldest first' },
  },
};

export const DELIVERY_PAGE: SchemaObject = {
  type: 'object',
  required: ['items', 'nextCursor', 'hasMore'],
  properties: {
    items: { type: 'array', items: DELIVERY },
    nextCursor: { type: 'string', nullable: true, description: 'pass as `cursor` for the next page' },
    hasMore: { type: 'boolean' },
  },
};

const NULLABLE_NUMBER: SchemaObject = { type: 'number', nullable: true };

export const ENDPOINT_STATS: SchemaObject = {
  type: 'object',
  required: [
    'endpointId',
    'deliveries',
    'successRate',
    'attemptsLast24h',
    'latencyMs',
    'lastError',
    'backlog',
  ],
  properties: {
    endpointId: { type: 'string' },
    deliveries: {
      type: 'object',
      properties: Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, { type: 'integer' }])),
    },
    successRate: { ...NULLABLE_NUMBER, description: 'delivered ÷ attempts over 24 h; null without attempts' },
    attemptsLast24h: { type: 'integer' },
    latencyMs: {
      type: 'object',
      properties: { p50: NULLABLE_NUMBER, p90: NULLABLE_NUMBER, p99: NULLABLE_NUMBER },
    },
    lastError: {
      type: 'object',
      nullable: true,
      properties: { at: TIME, outcome: { type: 'string' }, error: { type: 'string', nullable: true } },
    },
    backlog: {
      type: 'object',
      properties: { due: { type: 'integer' }, scheduled: { type: 'integer' } },
    },
  },
};

export const WINDOW: SchemaObject = {
  type: 'object',
  required: ['since'],
  additionalProperties: false,
  properties: {
    since: { ...TIME, example: '2026-03-01T00:00:00Z' },
    until: { ...NULLABLE_TIME, description: 'the end of the window, later than since; absent: until now' },
  },
};

export const TEST_EVENT: SchemaObject = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: {
      type: 'string',
      example: 'payments.payment.received',
      description: 'a catalog type the endpoint takes',
    },
    version: {
      type: 'integer',
      minimum: 1,
      description:
        "the schema version the event is written in (default: the endpoint's pin for the type, else the latest)",
    },
  },
};

export const TEST_EVENT_SENT: SchemaObject = {
  type: 'object',
  required: ['deliveryId', 'eventId'],
  properties: { deliveryId: { type: 'string' }, eventId: { type: 'string' } },
};

const COUNT: SchemaObject = { type: 'integer', minimum: 0 };

export const JOB: SchemaObject = {
  type: 'object',
  required: [
    'id',
    'kind',
    'endpointId',
    'state',
    'since',
    'until',
    'progress',
    'result',
    'createdAt',
    'startedAt',
    'finishedAt',
  ],
  properties: {
    id: { type: 'string', example: 'job_01936f4e-5a7b-7c3d-9e2f-1a2b3c4d5e6f' },
    kind: { type: 'string', enum: [...JOB_KINDS] },
    endpointId: { type: 'string' },
    state: { type: 'string', enum: [...JOB_STATES] },
    since: TIME,
    until: { ...NULLABLE_TIME, description: 'null: up to the job' },
    progress: {
      type: 'object',
      required: ['done', 'total'],
      description: 'recover: deliveries made due of those found; replay: records read of those in the window',
      properties: { done: COUNT, total: { ...COUNT, nullable: true } },
    },
    result: {
      type: 'object',
      nullable: true,
      description: 'what the job did so far, final once it ended',
      properties: {
        recovered: { ...COUNT, description: 'recover: deliveries made due' },
        events: { ...COUNT, description: 'replay: records read back' },
        deliveries: { ...COUNT, description: 'replay: deliveries created' },
        skipped: { ...COUNT, description: 'replay: records whose value could not be decoded' },
        withdrawn: { ...COUNT, description: 'replay: deliveries deleted by a cancel before any attempt' },
        limit: {
          ...COUNT,
          description: 'the most a job does (WEBHOOKS_RECOVER_LIMIT, WEBHOOKS_REPLAY_LIMIT)',
        },
        more: { type: 'boolean', description: 'the window holds more than the limit let through' },
        nextSince: { ...TIME, description: 'replay with more: the since of a replay of the rest' },
      },
    },
    createdAt: TIME,
    startedAt: NULLABLE_TIME,
    finishedAt: NULLABLE_TIME,
    error: { type: 'string', description: 'why it failed (failed jobs only)' },
  },
};

export const JOB_PAGE: SchemaObject = {
  type: 'object',
  required: ['items', 'nextCursor', 'hasMore'],
  properties: {
    items: { type: 'array', items: JOB, description: 'newest first' },
    nextCursor: { type: 'string', nullable: true },
    hasMore: { type: 'boolean' },
  },
};
