/** The sentences every output format shares: what was compared with what, and the tally. */
import { countBySeverity, type CheckReport } from './finding.types';

export function baseSentence(report: CheckReport): string {
  const scope = `${report.dir}/ (${plural(report.eventTypes, 'event type')}, ${plural(report.versions, 'version')})`;
  if (report.base.kind === 'none') return `Checked ${scope} alone: no git base (${report.base.reason}).`;
  if (report.base.kind === 'registry')
    return `Checked ${scope} against the schema registry at ${report.base.url}.`;
  return `Checked ${scope} against ${report.base.label} (${report.base.commit.slice(0, 12)}).`;
}

export function tallySentence(report: CheckReport): string {
  const { errors, warnings } = countBySeverity(report.violations);
  if (errors + warnings === 0) return 'No problems found.';
  const files = new Set(report.violations.map((v) => v.file)).size;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}.`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
