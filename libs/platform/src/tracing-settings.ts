/**
 * Whether and how an app exports OpenTelemetry traces, read from the standard OTel environment
 * variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
 * Off unless an OTLP endpoint is named; OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none force
 * it off. The trace SDK reads none of these itself (only the exporter reads its OTEL_EXPORTER_OTLP_*
 * variables), so the sampler and batch processor settings are parsed here, and a malformed value
 * fails the boot like any other config error instead of being silently replaced by a default.
 */
import { z } from 'zod';
import { loadConfig, type Env } from '@app/config';

export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface SamplerSettings {
  readonly name: SamplerName;
  /** The ratio of the *traceidratio samplers (OTEL_TRACES_SAMPLER_ARG, default 1). */
  readonly ratio: number;
}

/** OTEL_BSP_*: undefined leaves the SDK's default. */
export interface BatchProcessorSettings {
  readonly scheduledDelayMillis?: number;
  readonly exportTimeoutMillis?: number;
  readonly maxQueueSize?: number;
  readonly maxExportBatchSize?: number;
}

export type TracingSettings =
  | { readonly enabled: false; readonly reason: string }
  | {
      readonly enabled: true;
      readonly serviceName: string;
      readonly sampler: SamplerSettings;
      readonly batch: BatchProcessorSettings;
    };

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

const blankAsUnset = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const milliseconds = z.preprocess(
  blankAsUnset,
  z.coerce.number().int('must be a whole number of milliseconds').min(0, 'must not be negative').optional(),
);
const count = z.preprocess(
  blankAsUnset,
  z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
);

const tracingEnvSchema = z.object({
  OTEL_SDK_DISABLED: z.preprocess(blankAsUnset, z.string().optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(blankAsUnset, z.url('must be a URL').optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess(blankAsUnset, z.url('must be a URL').optional()),
  // The installed exporter speaks OTLP over HTTP (JSON); gRPC would need another package.
  OTEL_EXPORTER_OTLP_PROTOCOL: z.preprocess(
    blankAsUnset,
    z.enum(['http/json', 'http/protobuf'], { error: 'Herald exports OTLP over HTTP: http/json' }).optional(),
  ),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.preprocess(
    blankAsUnset,
    z.enum(['http/json', 'http/protobuf'], { error: 'Herald exports OTLP over HTTP: http/json' }).optional(),
  ),
  OTEL_TRACES_EXPORTER: z.preprocess(
    blankAsUnset,
    z.enum(['otlp', 'none'], { error: 'must be otlp or none' }).default('otlp'),
  ),
  OTEL_SERVICE_NAME: z.preprocess(blankAsUnset, z.string().optional()),
  OTEL_TRACES_SAMPLER: z.preprocess(
    (value) => (typeof value === 'string' ? blankAsUnset(value.toLowerCase()) : value),
    z.enum(SAMPLERS, { error: `must be one of ${SAMPLERS.join(', ')}` }).default('parentbased_always_on'),
  ),
  OTEL_TRACES_SAMPLER_ARG: z.preprocess(
    blankAsUnset,
    z.coerce.number().min(0, 'must be a ratio in [0, 1]').max(1, 'must be a ratio in [0, 1]').default(1),
  ),
  OTEL_BSP_SCHEDULE_DELAY: milliseconds,
  OTEL_BSP_EXPORT_TIMEOUT: milliseconds,
  OTEL_BSP_MAX_QUEUE_SIZE: count,
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: count,
});

/** The tracing settings in `env`; throws ConfigError when a variable is malformed. */
export function tracingSettings(env: Env, defaultServiceName: string): TracingSettings {
  const vars = loadConfig(tracingEnvSchema, env);
  if (vars.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') {
    return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  }
  if (vars.OTEL_TRACES_EXPORTER === 'none') return { enabled: false, reason: 'OTEL_TRACES_EXPORTER=none' };
  if (
    vars.OTEL_EXPORTER_OTLP_ENDPOINT === undefined &&
    vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT === undefined
  ) {
    return { enabled: false, reason: 'no OTLP endpoint is set' };
  }
  return {
    enabled: true,
    serviceName: vars.OTEL_SERVICE_NAME ?? defaultServiceName,
    sampler: { name: vars.OTEL_TRACES_SAMPLER, ratio: vars.OTEL_TRACES_SAMPLER_ARG },
    batch: {
      scheduledDelayMillis: vars.OTEL_BSP_SCHEDULE_DELAY,
      exportTimeoutMillis: vars.OTEL_BSP_EXPORT_TIMEOUT,
      maxQueueSize: vars.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: vars.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    },
  };
}
