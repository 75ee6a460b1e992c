/**
 * GitHub Actions workflow commands: one `::error` or `::warning` annotation per violation, on the
 * schema line it is about, so a pull request shows it inline in the diff; then a notice saying
 * what was compared, and the tally as a plain log line.
 */
import type { CheckReport, Violation } from './finding.types';
import { baseSentence, tallySentence } from './report-summary';

export function renderGithub(report: CheckReport): string {
  const lines = report.violations.map(annotation);
  lines.push(`::notice title=herald schemas check::${escapeData(baseSentence(report))}`);
  lines.push(tallySentence(report));
  return `${lines.join('\n')}\n`;
}

function annotation(v: Violation): string {
  const properties = [`file=${escapeProperty(v.file)}`];
  if (v.line !== undefined) properties.push(`line=${v.line}`, `col=${v.column ?? 1}`);
  properties.push(`title=${escapeProperty(v.rule)}`);
  return `::${v.severity} ${properties.join(',')}::${escapeData(v.message)}`;
}

/** GitHub's escaping for a command's message (actions/toolkit `escapeData`). */
export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Property values also escape the separators `:` and `,` (actions/toolkit `escapeProperty`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
