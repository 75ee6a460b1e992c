/** @herald/sdk (@app/sdk inside the monorepo): publish typed events to the Herald gateway. */
export { HeraldClient, SDK_VERSION, type HeraldClientOptions } from './herald-client';
export type { BatchingOptions } from './event-batcher';
export type { FetchFunction } from './gateway-transport';
export {
  HeraldError,
  HeraldNetworkError,
  HeraldProblemError,
  HeraldTimeoutError,
  type ProblemDetails,
  type ProblemViolation,
} from './herald-errors';
export type {
  BatchOptions,
  EventAttributes,
  EventToPublish,
  PublishOptions,
  RawEvent,
} from './publish-options';
export { DEFAULT_RETRY_OPTIONS, retryDelayMs, type RetryOptions } from './retry-policy';
export {
  parseRetryAfter,
  toBatchResults,
  toProblem,
  toPublishResult,
  type BatchEventResult,
  type BatchRequestBody,
  type BatchResponseBody,
  type BatchResultBody,
  type EventRequestBody,
  type PublishResult,
} from './wire-format';
export {
  EVENT_TYPE_NAMES,
  LATEST_EVENT_VERSIONS,
  type EventData,
  type EventInput,
  type EventTypeName,
  type EventTypes,
  type EventVersion,
} from '@app/events';
