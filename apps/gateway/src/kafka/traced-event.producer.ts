/**
 * The EventProducer the publish use case gets while tracing is on: each send is a PRODUCER span
 * `produce`, child of the request's `publish` span, and its context replaces the records'
 * `traceparent` header, so the consumers continue the same trace under it. Off, the gateway
 * module hands the producer over unwrapped (no span, the client's `traceparent` carried as is).
 */
import { context, SpanKind, trace, type Span, type Tracer } from '@opentelemetry/api';
import { failSpan, traceparentOf } from '@app/platform';
import type { EventProducer, OutgoingRecord, RecordCoordinates } from '../domain/ports';

/** Messaging semantic conventions (https://opentelemetry.io/docs/specs/semconv/messaging/kafka/). */
const ATTR = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  batchCount: 'messaging.batch.message_count',
  messageId: 'messaging.message.id',
  offset: 'messaging.kafka.offset',
  eventId: 'cloudevents.event_id',
  eventType: 'cloudevents.event_type',
  atomic: 'herald.atomic',
} as const;

export class TracedEventProducer implements EventProducer {
  constructor(
    private readonly producer: EventProducer,
    private readonly tracer: Tracer,
  ) {}

  send(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]> {
    return this.traced(records, false, (traced) => this.producer.send(traced));
  }

  sendAtomic(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]> {
    return this.traced(records, true, (traced) => this.producer.sendAtomic(traced));
  }

  private async traced(
    records: readonly OutgoingRecord[],
    atomic: boolean,
    send: (records: readonly OutgoingRecord[]) => Promise<RecordCoordinates[]>,
  ): Promise<RecordCoordinates[]> {
    const span = this.tracer.startSpan(
      'produce',
      { kind: SpanKind.PRODUCER, attributes: sendAttributes(records, atomic) },
      context.active(),
    );
    const traceparent = traceparentOf(span);
    const traced = records.map((record) => ({ ...record, headers: { ...record.headers, traceparent } }));
    try {
      const coordinates = await context.with(trace.setSpan(context.active(), span), () => send(traced));
      if (coordinates.length === 1) acknowledged(span, coordinates[0]!);
      return coordinates;
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  }
}

function sendAttributes(
  records: readonly OutgoingRecord[],
  atomic: boolean,
): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {
    [ATTR.system]: 'kafka',
    [ATTR.operationType]: 'send',
    [ATTR.operationName]: 'send',
    [ATTR.atomic]: atomic,
  };
  const topics = new Set(records.map((record) => record.topic));
  if (topics.size === 1) attributes[ATTR.destination] = records[0]!.topic;
  if (records.length > 1) attributes[ATTR.batchCount] = records.length;
  if (records.length === 1) {
    const { ce_id: id, ce_type: type } = records[0]!.headers;
    if (id !== undefined) {
      attributes[ATTR.messageId] = id;
      attributes[ATTR.eventId] = id;
    }
    if (type !== undefined) attributes[ATTR.eventType] = type;
  }
  return attributes;
}

function acknowledged(span: Span, coordinates: RecordCoordinates): void {
  span.setAttribute(ATTR.partition, String(coordinates.partition));
  span.setAttribute(ATTR.offset, Number(coordinates.offset));
}

/** The producer the publish use case gets: traced while `tracer` is set (tracing on), as is otherwise. */
export function tracedProducer(producer: EventProducer, tracer: Tracer | undefined): EventProducer {
  return tracer === undefined ? producer : new TracedEventProducer(producer, tracer);
}
