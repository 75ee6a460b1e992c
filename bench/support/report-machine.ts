/** The machine a benchmark report was measured on: what a reader needs to weigh its figures. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Machine } from './report-table';

export const loadAverage = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

/**
 * The local brokers run the Kafka release pinned in infra/kafka/pom.xml; with KAFKA_BROKERS
 * pointing elsewhere the version is the cluster's own, which this report does not probe.
 */
export function kafkaVersion(root: string, brokers: string | undefined): string {
  if (brokers !== undefined) return `at ${brokers} (version not probed)`;
  const pom = readFileSync(join(root, 'infra', 'kafka', 'pom.xml'), 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  return version === undefined ? 'unknown' : `${version} (local KRaft broker, infra/kafka/pom.xml)`;
}

export function describeMachine(
  root: string,
  run: { loadAverageAtStart: number[]; startedAt: Date },
): Machine {
  const cores = cpus();
  return {
    cores: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kafka: kafkaVersion(root, process.env['KAFKA_BROKERS']),
    loadAverageAtStart: run.loadAverageAtStart,
    loadAverageAtEnd: loadAverage(),
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
  };
}
