/**
 * The `analytics-metrics` rule: the analytics app's metrics file (infra/analytics/metrics.yaml
 * in the workspace, when it exists) is valid, and every metric reads an event type of the
 * catalog through a version the catalog has, whose field is numeric and whose group fields exist
 * (the same check the app runs at boot against the registry, from @app/analytics).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkMetricAgainstSchema, DEFAULT_METRICS_FILE, parseMetricsFile } from '@app/analytics';
import type { Catalog } from '@app/schema';
import type { Finding } from './finding.types';

export async function collectAnalyticsFindings(
  workspaceRoot: string,
  catalog: Catalog | undefined,
): Promise<Finding[]> {
  const file = DEFAULT_METRICS_FILE;
  const text = await readFile(join(workspaceRoot, file), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return [];
  const finding = (
    pointer: string,
    message: string,
    position?: { line: number; column: number },
  ): Finding => ({
    rule: 'analytics-metrics',
    file,
    pointer,
    message,
    ...(position === undefined ? {} : { position }),
  });
  const parsed = parseMetricsFile(text);
  const findings = parsed.problems.map((p) =>
    finding(p.pointer, p.message, p.line === undefined ? undefined : { line: p.line, column: p.column ?? 1 }),
  );
  // Without a valid catalog there is nothing to check the metrics against; the catalog rule reports why.
  if (catalog === undefined || parsed.problems.length > 0) return findings;
  parsed.metrics.forEach((metric, index) => {
    const at = `/metrics/${index}`;
    const type = catalog.eventTypes.find((t) => t.type === metric.type);
    if (type === undefined) {
      findings.push(finding(`${at}/type`, `event type ${metric.type} is not in the catalog`));
      return;
    }
    const version = type.versions.find((v) => v.version === metric.version);
    if (version === undefined) {
      findings.push(
        finding(
          `${at}/version`,
          `${metric.type} has no version ${metric.version} (it has v1 to v${type.latest.version})`,
        ),
      );
      return;
    }
    for (const problem of checkMetricAgainstSchema(metric, version.schema))
      findings.push(finding(`${at}/${problem.key}`, `metric ${metric.name}: ${problem.message}`));
  });
  return findings;
}
