/**
 * End-to-end latency (event time to processed) as DDSketch from @datadog/sketches-js: a sketch
 * keeps every quantile within 1% relative error, and two sketches merge into the sketch of both
 * streams, so minute sketches roll up into an hour (or any range) without further error.
 * Serialized with the library's protobuf form.
 */
import { DDSketch } from '@datadog/sketches-js';

export const RELATIVE_ACCURACY = 0.01;

export const newSketch = (): DDSketch => new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });

export function sketchFrom(bytes: Uint8Array): DDSketch {
  return DDSketch.fromProto(bytes);
}

export function sketchBytes(sketch: DDSketch): Buffer {
  return Buffer.from(sketch.toProto());
}

export function mergeAll(sketches: Iterable<DDSketch>): DDSketch {
  const merged = newSketch();
  for (const sketch of sketches) merged.merge(sketch);
  return merged;
}

export interface LatencySummary {
  readonly count: number;
  /** Milliseconds, by quantile label (`p50`, `p90`, `p99`, ...). */
  readonly quantiles: Record<string, number>;
}

export const quantileLabel = (q: number): string => `p${Number((q * 100).toFixed(3))}`;

export function summarize(sketch: DDSketch, quantiles: readonly number[]): LatencySummary {
  const count = Math.round(sketch.count);
  const values: Record<string, number> = {};
  for (const q of quantiles)
    values[quantileLabel(q)] = count === 0 ? 0 : Math.round(sketch.getValueAtQuantile(q) * 1000) / 1000;
  return { count, quantiles: values };
}
