/** How `herald replay` prints: a line per record as it goes and a summary (text), or one JSON document. */
import type { ReplayEvent, ReplaySummary } from './dlq-replay';

export function eventText(event: ReplayEvent): string {
  const id = event.id === undefined ? '' : `  id=${event.id}`;
  const from = `[${event.partition}] @${event.offset}${id}`;
  if (event.kind === 'failed') return `failed        ${from}: ${event.reason}\n`;
  if (event.kind === 'planned') return `would replay  ${from}  → ${event.target}\n`;
  const at = event.at === undefined ? '' : ` [${event.at.partition}] @${event.at.offset}`;
  return `replayed      ${from}  → ${event.target}${at}\n`;
}

export function summaryText(summary: ReplaySummary): string {
  const verb = summary.dryRun ? 'Would replay' : 'Replayed';
  const parts = [
    `${summary.passedOver} not selected by --id/--since/--until`,
    `${summary.alreadyReplayed} replayed by an earlier run`,
    `${summary.failed} failed`,
  ];
  const early = summary.stoppedEarly ? ' Stopped before the end of the DLQ.' : '';
  const dry = summary.dryRun ? ' Dry run: nothing was written or committed.' : '';
  return `${verb} ${summary.replayed} record(s) from ${summary.dlq} (${parts.join(', ')}).${early}${dry}\n`;
}

export function summaryJson(summary: ReplaySummary, events: readonly ReplayEvent[]): string {
  return `${JSON.stringify({ ...summary, records: events })}\n`;
}
