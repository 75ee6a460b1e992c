/**
 * The machine format: one JSON object with every violation (line and column null when the file
 * no longer exists) and a summary. Field names are a contract for scripts; add, never rename.
 */
import { countBySeverity, type CheckReport } from './finding.types';

export function renderJson(report: CheckReport): string {
  const violations = report.violations.map((v) => ({
    rule: v.rule,
    severity: v.severity,
    file: v.file,
    line: v.line ?? null,
    column: v.column ?? null,
    pointer: v.pointer,
    message: v.message,
  }));
  const summary = {
    ...countBySeverity(report.violations),
    files: new Set(report.violations.map((v) => v.file)).size,
    dir: report.dir,
    eventTypes: report.eventTypes,
    versions: report.versions,
    base:
      report.base.kind === 'git'
        ? { ref: report.base.ref, commit: report.base.commit, label: report.base.label }
        : null,
    registry: report.base.kind === 'registry' ? report.base.url : null,
    checkedAlone: report.base.kind === 'none' ? report.base.reason : null,
    disabled: report.disabled,
  };
  return `${JSON.stringify({ violations, summary }, null, 2)}\n`;
}
