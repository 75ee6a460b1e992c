/** How `herald replay --group … --to-time …` prints its plan: aligned text lines, or one JSON document. */
import { totalReread, type OffsetResetPlan, type PartitionReset } from './offset-reset';

function change(p: PartitionReset): string {
  if (p.reread === null) return 'no committed offset: starts here';
  if (p.reread === 0) return 'unchanged';
  return p.reread > 0 ? `re-reads ${p.reread} record(s)` : `skips ${-p.reread} record(s)`;
}

export function planText(plan: OffsetResetPlan): string {
  const rows = plan.partitions.map((p) => ({
    where: `${p.topic} [${p.partition}]`,
    move: `${p.current ?? '-'} → ${p.target}`,
    note: `${change(p)}${p.toEnd ? ' (end of the partition: no record at or after that time)' : ''}`,
  }));
  const whereWidth = Math.max(...rows.map((r) => r.where.length));
  const moveWidth = Math.max(...rows.map((r) => r.move.length));
  const lines = rows.map((r) => `  ${r.where.padEnd(whereWidth)}  ${r.move.padEnd(moveWidth)}  ${r.note}`);
  return (
    `Reset consumer group ${plan.group} to ${plan.at.toISOString()}:\n` +
    `${lines.join('\n')}\n` +
    `${totalReread(plan)} record(s) will be read again across ${plan.partitions.length} partition(s).\n`
  );
}

export function planJson(plan: OffsetResetPlan, outcome: { dryRun: boolean; applied: boolean }): string {
  return `${JSON.stringify({
    group: plan.group,
    time: plan.at.toISOString(),
    ...outcome,
    reread: totalReread(plan),
    partitions: plan.partitions,
  })}\n`;
}
