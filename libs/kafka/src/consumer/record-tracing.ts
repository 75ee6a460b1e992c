/**
 * What the consumer runtime tells about the records it hands to handlers, beyond metrics:
 * - the log fields of a line about a record (`event_id` from `ce_id`, `trace_id` from
 *   `traceparent`), computed only when a line is written;
 * - while tracing is on (see @app/platform tracing.ts), spans per record handled: a CONSUMER
 *   `process` span whose parent is the record's `traceparent` header, and under it an INTERNAL
 *   `handle` span around the handler call, the handler running in that span's context. One
 *   handler call of a batch handler handles several records: each record's trace gets its own
 *   pair of spans covering that call. Off, the runtime builds none of this (consumerTracing()
 *   is undefined and the delivery code skips it with one check).
 */
import { context, SpanKind, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { failSpan, heraldTracer, remoteParent, traceIdOf } from '@app/platform';
import { headerText } from './event-envelope';

/** Messaging semantic conventions (https://opentelemetry.io/docs/specs/semconv/messaging/kafka/). */
const MESSAGING = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  group: 'messaging.consumer.group.name',
  messageId: 'messaging.message.id',
  offset: 'messaging.kafka.offset',
  key: 'messaging.kafka.message.key',
} as const;

/** The event a span is about (CloudEvents semantic conventions) and Herald's delivery attempt. */
export const EVENT_ATTRIBUTES = {
  id: 'cloudevents.event_id',
  type: 'cloudevents.event_type',
  attempt: 'herald.attempt',
} as const;

function header(record: KafkaMessage, name: string): string | undefined {
  return headerText(record.headers?.[name]);
}

export interface RecordLogFields {
  event_id?: string;
  trace_id?: string;
}

/** `event_id` and `trace_id` of one record, for a log line about it. */
export function recordLogFields(record: KafkaMessage): RecordLogFields {
  const fields: RecordLogFields = {};
  const id = header(record, 'ce_id');
  if (id !== undefined && id !== '') fields.event_id = id;
  const traceId = traceIdOf(header(record, 'traceparent'));
  if (traceId !== undefined) fields.trace_id = traceId;
  return fields;
}

/** The same fields for a line about several records: lists, in record order, without gaps or repeats. */
export function recordsLogFields(records: readonly KafkaMessage[]): {
  event_id: string[];
  trace_id: string[];
} {
  const ids: string[] = [];
  const traces = new Set<string>();
  for (const record of records) {
    const { event_id, trace_id } = recordLogFields(record);
    if (event_id !== undefined) ids.push(event_id);
    if (trace_id !== undefined) traces.add(trace_id);
  }
  return { event_id: ids, trace_id: [...traces] };
}

/** The spans of one handler call, over the records it handles. */
export class HandlerSpans {
  private readonly spans: Span[] = [];
  private readonly handlerContext: Context;

  constructor(
    tracer: Tracer,
    groupId: string,
    topic: string,
    partition: number,
    records: readonly KafkaMessage[],
    attempt: number,
  ) {
    let first: Context | undefined;
    for (const record of records) {
      const parent = remoteParent(header(record, 'traceparent'), header(record, 'tracestate'));
      const attributes = {
        [MESSAGING.system]: 'kafka',
        [MESSAGING.operationType]: 'process',
        [MESSAGING.operationName]: 'process',
        [MESSAGING.destination]: topic,
        [MESSAGING.partition]: String(partition),
        [MESSAGING.group]: groupId,
        [MESSAGING.offset]: Number(record.offset),
        [EVENT_ATTRIBUTES.attempt]: attempt,
      };
      const process = tracer.startSpan('process', { kind: SpanKind.CONSUMER, attributes }, parent);
      const id = header(record, 'ce_id');
      if (id !== undefined) {
        process.setAttribute(MESSAGING.messageId, id);
        process.setAttribute(EVENT_ATTRIBUTES.id, id);
      }
      const type = header(record, 'ce_type');
      if (type !== undefined) process.setAttribute(EVENT_ATTRIBUTES.type, type);
      const processContext = trace.setSpan(parent, process);
      const handle = tracer.startSpan(
        'handle',
        { kind: SpanKind.INTERNAL, attributes: { [EVENT_ATTRIBUTES.attempt]: attempt } },
        processContext,
      );
      first ??= trace.setSpan(processContext, handle);
      // Ended handle first, then process.
      this.spans.push(handle, process);
    }
    this.handlerContext = first ?? context.active();
  }

  /** Runs the handler in the (first record's) `handle` span's context, so its own spans nest there. */
  run<T>(handler: () => T): T {
    return context.with(this.handlerContext, handler);
  }

  /** Ends every span of a call that succeeded. */
  end(): void {
    for (const span of this.spans) span.end();
  }

  /** Ends every span of a call that failed, marked with its error. */
  failed(error: unknown): void {
    for (const span of this.spans) {
      failSpan(span, error);
      span.end();
    }
  }
}

/** Starts the spans of handler calls for one consumer group; undefined while tracing is off. */
export interface ConsumerTracing {
  start(topic: string, partition: number, records: readonly KafkaMessage[], attempt: number): HandlerSpans;
}

/** The consumer group's span factory, or undefined when tracing is off (read once, at consumer start). */
export function consumerTracing(groupId: string): ConsumerTracing | undefined {
  const tracer = heraldTracer();
  if (tracer === undefined) return undefined;
  return {
    start: (topic, partition, records, attempt) =>
      new HandlerSpans(tracer, groupId, topic, partition, records, attempt),
  };
}
