import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { startTracing, stopTracing } from '@app/platform';
import { CollectingExporter } from '@app/testing';
import { consumerTracing, recordLogFields, recordsLogFields } from './record-tracing';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';

function record(offset: string, headers: Record<string, string | Buffer>): KafkaMessage {
  return { key: null, value: Buffer.alloc(0), timestamp: '0', attributes: 0, offset, headers };
}

describe('log fields of records', () => {
  it('name the event (ce_id) and the trace (traceparent), whatever the header encoding', () => {
    const traced = record('7', {
      ce_id: Buffer.from('evt-1'),
      traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
    });
    expect(recordLogFields(traced)).toEqual({ event_id: 'evt-1', trace_id: TRACE_ID });
    expect(recordLogFields(record('8', { ce_id: 'evt-2', traceparent: 'garbage' }))).toEqual({
      event_id: 'evt-2',
    });
    expect(recordLogFields(record('9', {}))).toEqual({});
  });

  it('list the events and their distinct traces for a line about several records', () => {
    const parent = `00-${TRACE_ID}-${PARENT_ID}-01`;
    expect(
      recordsLogFields([
        record('1', { ce_id: 'a', traceparent: parent }),
        record('2', { ce_id: 'b', traceparent: parent }),
        record('3', {}),
      ]),
    ).toEqual({ event_id: ['a', 'b'], trace_id: [TRACE_ID] });
  });
});

describe('consumerTracing', () => {
  afterEach(() => stopTracing());

  it('is undefined while tracing is off: the runtime builds no span', () => {
    expect(consumerTracing('group')).toBeUndefined();
  });

  it('gives each record a process span under its traceparent and a handle span the handler runs in', async () => {
    const exporter = new CollectingExporter();
    startTracing('audit', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, exporter);
    const spans = consumerTracing('audit-group')!.start(
      'payments.payment.received',
      2,
      [
        record('41', {
          ce_id: 'evt-1',
          ce_type: 'payments.payment.received',
          traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
        }),
      ],
      3,
    );
    const active = spans.run(() => trace.getSpan(context.active())?.spanContext().spanId);
    spans.failed(new Error('the store is down'));
    await stopTracing();

    const process = exporter.spans.find((s) => s.name === 'process')!;
    const handle = exporter.spans.find((s) => s.name === 'handle')!;
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.spanContext().traceId).toBe(TRACE_ID);
    expect(process.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(process.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'payments.payment.received',
      'messaging.destination.partition.id': '2',
      'messaging.consumer.group.name': 'audit-group',
      'messaging.kafka.offset': 41,
      'cloudevents.event_id': 'evt-1',
      'cloudevents.event_type': 'payments.payment.received',
      'herald.attempt': 3,
    });
    expect(handle.kind).toBe(SpanKind.INTERNAL);
    expect(handle.parentSpanContext?.spanId).toBe(process.spanContext().spanId);
    expect(active).toBe(handle.spanContext().spanId);
    expect([process.status.code, handle.status.code]).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR]);
  });
});
