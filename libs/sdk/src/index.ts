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
// Everything `herald schemas codegen` generated: the per-version types (`PaymentReceivedV2`,
// `PaymentReceivedV2Input`, `PaymentReceivedV2Types.CardBrand`, ...), `EventTypes`, `EventData`,
// `EventInput`, `AvroJson`, `EVENT_TYPE_NAMES` and `LATEST_EVENT_VERSIONS`, as the SDK's own.
export * from '@app/events';
