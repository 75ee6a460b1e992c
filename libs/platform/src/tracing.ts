/**
 * OpenTelemetry tracing for every Herald app, set up once per process by its bootstrap
 * (startTracing) and off by default (tracing-settings.ts says when it is on).
 *
 * Off, nothing is registered: heraldTracer() is undefined, so hot paths test one variable and
 * create no span, no context and no closure; the OTel API stays on its no-op tracer and no-op
 * context manager (no AsyncLocalStorage). The W3C `traceparent` an event arrived with is carried
 * unchanged, as without tracing.
 * On, the process gets an AsyncLocalStorage context manager, the W3C trace-context propagator and
 * a tracer provider that batches spans to OTLP/HTTP (the exporter reads its own
 * OTEL_EXPORTER_OTLP_* variables: endpoint, headers, timeout, certificates).
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  SpanStatusCode,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Env } from '@app/config';
import { tracingSettings, type SamplerSettings, type TracingSettings } from './tracing-settings';

export { tracingSettings, type TracingSettings } from './tracing-settings';

/** The instrumentation scope of Herald's own spans. */
export const HERALD_TRACER_NAME = 'herald';

interface ActiveTracing {
  readonly provider: TracerProvider;
  readonly contextManager: AsyncLocalStorageContextManager;
}

let tracer: Tracer | undefined;
let active: ActiveTracing | undefined;

/**
 * Herald's tracer while tracing is on, undefined while it is off. Hot paths read it once
 * (per request, per batch) and skip all span work when it is undefined.
 */
export function heraldTracer(): Tracer | undefined {
  return tracer;
}

/**
 * Starts tracing as `env` says (see tracing-settings.ts), once per process; a second call
 * returns the first call's settings unchanged. Throws ConfigError on a malformed variable.
 * `exporter` replaces the OTLP exporter (tests).
 */
export function startTracing(defaultServiceName: string, env: Env, exporter?: SpanExporter): TracingSettings {
  const settings = tracingSettings(env, defaultServiceName);
  if (!settings.enabled || active !== undefined) return settings;
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }))
    // OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME over it, as the spec orders them.
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({
    resource,
    sampler: samplerOf(settings.sampler),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: exporter ?? new OTLPTraceExporter(),
        ...definedOnly(settings.batch),
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  active = { provider, contextManager };
  tracer = provider.getTracer(HERALD_TRACER_NAME);
  return settings;
}

/** Exports the spans still queued and turns tracing off (app shutdown; tests). */
export async function stopTracing(): Promise<void> {
  const stopping = active;
  if (stopping === undefined) return;
  active = undefined;
  tracer = undefined;
  try {
    await stopping.provider.shutdown();
  } finally {
    stopping.contextManager.disable();
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

/** Exports the spans still queued when the app shuts down (SIGTERM): PlatformModule provides it. */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}

function samplerOf({ name, ratio }: SamplerSettings): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

const singleHeader: TextMapGetter<Readonly<Record<string, string | undefined>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/**
 * The context of a remote parent given by W3C headers (an invalid `traceparent` gives the root
 * context: the span then starts a new trace, as the spec asks). Only meaningful while tracing is on.
 */
export function remoteParent(traceparent: string | null | undefined, tracestate?: string | null): Context {
  if (traceparent === null || traceparent === undefined) return ROOT_CONTEXT;
  return propagation.extract(
    ROOT_CONTEXT,
    { traceparent, tracestate: tracestate ?? undefined },
    singleHeader,
  );
}

/** The W3C `traceparent` naming `span` as the parent of what follows. */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags & TraceFlags.SAMPLED ? '01' : '00'}`;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/;

/**
 * The trace id of a W3C `traceparent` (for log lines), undefined when there is none or it is
 * malformed. Independent of tracing being on: logs carry the trace id either way.
 */
export function traceIdOf(traceparent: string | null | undefined): string | undefined {
  if (traceparent === null || traceparent === undefined) return undefined;
  const match = TRACEPARENT.exec(traceparent);
  return match === null || match[1] === '0'.repeat(32) ? undefined : match[1];
}

/** Records a failure on `span`: the exception event, ERROR status and `error.type`. */
export function failSpan(span: Span, error: unknown, type?: string): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  span.recordException(failure);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  span.setAttribute('error.type', type ?? failure.name);
}
