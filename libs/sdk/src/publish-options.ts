/**
 * What callers pass to `publish` and `publishBatch`, typed by the generated catalog (@app/events)
 * so that an unknown type, a version that does not exist, or a wrong or missing data field is a
 * compile error rather than a 422 at run time.
 */
import type { EventInput, EventTypeName, EventVersion } from '@app/events';

/** The CloudEvents attributes a caller may set on one event. */
export interface EventAttributes {
  /** Event id; default a new UUIDv7, generated once so that retries are deduplicated by the gateway. */
  id?: string;
  /** Kafka key; default the data field named by the type's `event.yaml`. */
  key?: string;
  /** When it happened; default the gateway's receive time. */
  time?: Date | string;
  subject?: string;
}

export interface PublishOptions<V extends number = number> extends EventAttributes {
  /** Schema version of `data`; default the latest version in the generated types. */
  version?: V;
  /** W3C trace context, passed to the Kafka record's `traceparent` header. */
  traceparent?: string;
  /** Cancels the publish: retries stop; a batched event still queued is dropped. */
  signal?: AbortSignal;
}

/** One event of a typed batch: `data` must match the type's latest version, or `version` when given. */
export type EventToPublish = {
  [T in EventTypeName]:
    | ({ type: T; version?: undefined; data: EventInput<T> } & EventAttributes)
    | {
        [V in EventVersion<T>]: { type: T; version: V; data: EventInput<T, V> } & EventAttributes;
      }[EventVersion<T>];
}[EventTypeName];

/** One event of any type, unchecked at compile time (types newer than the generated ones, tools). */
export interface RawEvent extends EventAttributes {
  type: string;
  version?: number;
  data: unknown;
}

export interface BatchOptions {
  /** All or nothing: one invalid event rejects the whole batch with 422 and nothing is written. */
  atomic?: boolean;
  traceparent?: string;
  signal?: AbortSignal;
}
