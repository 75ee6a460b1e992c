/**
 * Loads the declared metrics at boot: the file (ANALYTICS_METRICS_FILE, default
 * infra/analytics/metrics.yaml; a missing default file, or the variable set empty, means no
 * declared metrics), parsed and then
 * checked against each metric's pinned reader version in the registry. Any problem stops the boot
 * with every problem listed as `file:line:column: message`.
 */
import { readFile } from 'node:fs/promises';
import {
  DEFAULT_METRICS_FILE,
  metricsFilePosition,
  parseMetricsFile,
  type MetricDefinition,
  type MetricProblem,
} from '@app/analytics';
import type { AnalyticsConfig } from './config';
import type { MetricReaders } from './consumer/metric-readers';

export class MetricsFileError extends Error {
  override name = 'MetricsFileError';
}

function describe(file: string, problems: readonly MetricProblem[]): string {
  const lines = problems.map((p) => {
    const at = p.line === undefined ? file : `${file}:${p.line}:${p.column ?? 1}`;
    return `  ${at}: ${p.message}${p.pointer === '' ? '' : ` (at ${p.pointer})`}`;
  });
  return `the metrics file ${file} is not valid:\n${lines.join('\n')}`;
}

export async function loadDeclaredMetrics(
  config: AnalyticsConfig,
  readers: MetricReaders,
): Promise<readonly MetricDefinition[]> {
  if (config.ANALYTICS_METRICS_FILE === '') return [];
  const file = config.ANALYTICS_METRICS_FILE ?? DEFAULT_METRICS_FILE;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && config.ANALYTICS_METRICS_FILE === undefined)
      return [];
    throw new MetricsFileError(`cannot read the metrics file ${file}: ${(error as Error).message}`);
  }
  const parsed = parseMetricsFile(text);
  if (parsed.problems.length > 0) throw new MetricsFileError(describe(file, parsed.problems));
  const problems = await readers.validate(parsed.metrics, (index, key) => `/metrics/${index}/${key}`);
  if (problems.length > 0) {
    const positioned = problems.map((p) => ({ ...p, ...metricsFilePosition(text, p.pointer) }));
    throw new MetricsFileError(describe(file, positioned));
  }
  return parsed.metrics;
}
