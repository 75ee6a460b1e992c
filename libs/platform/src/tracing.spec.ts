import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ConfigError } from '@app/config';
import { CollectingExporter } from '@app/testing';
import {
  heraldTracer,
  remoteParent,
  startTracing,
  stopTracing,
  traceIdOf,
  traceparentOf,
  tracingSettings,
} from './tracing';

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
const CLIENT_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('tracingSettings', () => {
  it('is off by default: no OTLP endpoint, no tracing', () => {
    expect(tracingSettings({}, 'gateway')).toEqual({ enabled: false, reason: 'no OTLP endpoint is set' });
  });

  it('is on when either OTLP endpoint variable is set, named after the app unless OTEL_SERVICE_NAME says', () => {
    expect(tracingSettings(ENDPOINT, 'gateway')).toMatchObject({ enabled: true, serviceName: 'gateway' });
    expect(
      tracingSettings(
        { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_SERVICE_NAME: 'edge' },
        'gateway',
      ),
    ).toMatchObject({ enabled: true, serviceName: 'edge' });
  });

  it('is forced off by OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none', () => {
    expect(tracingSettings({ ...ENDPOINT, OTEL_SDK_DISABLED: 'TRUE' }, 'audit').enabled).toBe(false);
    expect(tracingSettings({ ...ENDPOINT, OTEL_TRACES_EXPORTER: 'none' }, 'audit').enabled).toBe(false);
    expect(tracingSettings({ ...ENDPOINT, OTEL_SDK_DISABLED: 'false' }, 'audit').enabled).toBe(true);
  });

  it('reads the sampler and the batch processor variables', () => {
    expect(tracingSettings(ENDPOINT, 'webhooks')).toMatchObject({
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      batch: {},
    });
    expect(
      tracingSettings(
        {
          ...ENDPOINT,
          OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio',
          OTEL_TRACES_SAMPLER_ARG: '0.25',
          OTEL_BSP_SCHEDULE_DELAY: '100',
          OTEL_BSP_EXPORT_TIMEOUT: '2000',
          OTEL_BSP_MAX_QUEUE_SIZE: '4096',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '256',
        },
        'webhooks',
      ),
    ).toMatchObject({
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
      batch: {
        scheduledDelayMillis: 100,
        exportTimeoutMillis: 2000,
        maxQueueSize: 4096,
        maxExportBatchSize: 256,
      },
    });
  });

  it.each([
    ['OTEL_TRACES_SAMPLER', 'jaeger_remote'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['OTEL_BSP_SCHEDULE_DELAY', 'soon'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', '0'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
    ['OTEL_TRACES_EXPORTER', 'zipkin'],
  ])('refuses %s=%s with a config error naming it', (name, value) => {
    expect(() => tracingSettings({ ...ENDPOINT, [name]: value }, 'gateway')).toThrow(ConfigError);
    expect(() => tracingSettings({ ...ENDPOINT, [name]: value }, 'gateway')).toThrow(name);
  });
});

describe('traceIdOf', () => {
  it('reads the trace id of a W3C traceparent, nothing from a missing or malformed one', () => {
    expect(traceIdOf(CLIENT_TRACEPARENT)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(traceIdOf(null)).toBeUndefined();
    expect(traceIdOf('00-xyz-b7ad6b7169203331-01')).toBeUndefined();
    expect(traceIdOf(`00-${'0'.repeat(32)}-b7ad6b7169203331-01`)).toBeUndefined();
  });
});

describe('startTracing', () => {
  afterEach(() => stopTracing());

  it('registers nothing when off: no tracer, no context manager', () => {
    expect(startTracing('gateway', {})).toMatchObject({ enabled: false });
    expect(heraldTracer()).toBeUndefined();
    const span = trace.getTracer('x').startSpan('ignored');
    // The no-op context manager does not carry a context into the callback.
    expect(
      context.with(trace.setSpan(ROOT_CONTEXT, span), () => trace.getSpan(context.active())),
    ).toBeUndefined();
  });

  it('when on, exports spans of the app service that continue a remote traceparent', async () => {
    const exporter = new CollectingExporter();
    expect(startTracing('gateway', { ...ENDPOINT, OTEL_BSP_SCHEDULE_DELAY: '10' }, exporter).enabled).toBe(
      true,
    );
    const tracer = heraldTracer()!;
    const parent = tracer.startSpan('parent', {}, remoteParent(CLIENT_TRACEPARENT));
    const childTraceparent = context.with(trace.setSpan(ROOT_CONTEXT, parent), () => {
      const child = tracer.startSpan('child');
      child.end();
      return traceparentOf(child);
    });
    parent.end();
    await stopTracing();

    expect(heraldTracer()).toBeUndefined();
    const [child, exportedParent] = exporter.spans;
    expect(exporter.spans.map((s) => s.name)).toEqual(['child', 'parent']);
    expect(exportedParent!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(exportedParent!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(child!.parentSpanContext?.spanId).toBe(exportedParent!.spanContext().spanId);
    expect(childTraceparent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${child!.spanContext().spanId}-01`);
    expect(exportedParent!.resource.attributes['service.name']).toBe('gateway');
  });

  it('a root span of an invalid traceparent starts a new trace', async () => {
    startTracing('audit', ENDPOINT, new CollectingExporter());
    const span = heraldTracer()!.startSpan('root', {}, remoteParent('00-nothex-b7ad6b7169203331-01'));
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
    span.end();
    await stopTracing();
  });
});
