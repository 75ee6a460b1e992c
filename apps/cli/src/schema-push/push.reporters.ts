/** Text (one block per event type, printed as each finishes) and JSON output of `schemas push`. */
import type { EventTypePush, PushAction, PushReport } from './push.types';
import { pushSummary } from './push.types';
import { plural } from '../schema-check/report-summary';

export function pushHeader(report: Omit<PushReport, 'eventTypes'>, dir: string): string {
  const mode = report.dryRun ? ' (dry run: nothing is written)' : '';
  return `Pushing ${dir} to ${report.registry} and Kafka ${report.brokers.join(',')}${mode}\n`;
}

export function renderEventTypeText(result: EventTypePush, dryRun: boolean): string {
  if (result.status === 'unchanged' && result.actions.length === 0) return `${result.type}: up to date\n`;
  const mark = result.status === 'failed' ? 'FAILED' : result.status === 'changed' ? 'changed' : 'up to date';
  const lines = [`${result.type}: ${dryRun && result.status === 'changed' ? 'would change' : mark}`];
  for (const action of result.actions) lines.push(`  ${describeAction(action, dryRun)}`);
  for (const error of result.errors) lines.push(`  error: ${error}`);
  return `${lines.join('\n')}\n`;
}

export function renderSummaryText(report: PushReport): string {
  const { changed, unchanged, failed } = pushSummary(report);
  if (changed === 0 && failed === 0) {
    return `Nothing to change: the registry and Kafka already match the tree (${plural(unchanged, 'event type')}).\n`;
  }
  const verb = report.dryRun ? 'would change' : 'changed';
  return `${plural(report.eventTypes.length, 'event type')}: ${changed} ${verb}, ${unchanged} up to date, ${failed} failed.\n`;
}

export function renderPushJson(report: PushReport): string {
  return `${JSON.stringify({ ...report, summary: pushSummary(report) }, null, 2)}\n`;
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const;

/** In event.yaml's own notation (`365d`), which is what the reader compares with. */
function retention(ms: number | undefined): string {
  if (ms === undefined) return 'unknown';
  if (ms === -1) return 'infinite';
  const unit = UNITS.find(([, size]) => ms % size === 0);
  return unit === undefined ? `${ms}ms` : `${ms / unit[1]}${unit[0]}`;
}

function replicas(count: number): string {
  return count === 1 ? '1 replica' : `${count} replicas`;
}

function describeAction(action: PushAction, dryRun: boolean): string {
  const will = (done: string, planned: string) => (dryRun ? planned : done);
  switch (action.target) {
    case 'compatibility':
      return `compatibility of ${action.subject}: ${will('set', 'would set')} ${action.to} (was ${action.from ?? 'the global default'})`;
    case 'version':
      return `${action.file}: ${will('registered', 'would register')} as version ${action.version} of ${action.subject}${action.id === undefined ? '' : ` (id ${action.id})`}`;
    case 'topic':
      switch (action.kind) {
        case 'create':
          return `topic ${action.topic}: ${will('created', 'would create')} with ${action.partitions} partitions, retention ${retention(action.retentionMs)}, ${replicas(action.replicationFactor)}${action.minInsyncReplicas === undefined ? '' : `, min.insync.replicas ${action.minInsyncReplicas}`}`;
        case 'raise-partitions':
          return `topic ${action.topic}: partitions ${will('raised', 'would raise')} from ${action.from} to ${action.to} (keys now map to other partitions; per-key order holds only for new records)`;
        case 'keep-partitions':
          return `topic ${action.topic}: has ${action.actual} partitions, event.yaml asks for ${action.wanted}; Kafka cannot remove partitions, so it stays at ${action.actual}`;
        case 'set-retention':
          return `topic ${action.topic}: retention ${will('set', 'would set')} to ${retention(action.to)} (was ${retention(action.from)})`;
        case 'set-min-insync':
          return `topic ${action.topic}: min.insync.replicas ${will('set', 'would set')} to ${action.to} (was ${action.from ?? 'unknown'})`;
        case 'keep-replication':
          return `topic ${action.topic}: has ${replicas(action.actual)}, KAFKA_REPLICATION_FACTOR asks for ${action.wanted}; changing it is a partition reassignment (kafka-reassign-partitions), not done by push`;
      }
  }
}
