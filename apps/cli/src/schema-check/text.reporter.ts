/**
 * The human format: findings grouped by file, each as `line:column  severity  message  rule`, then
 * the tally. Colour only when the caller says the output is a terminal that wants it (TTY and no
 * NO_COLOR), so logs and pipes get plain text.
 */
import { countBySeverity, type CheckReport, type Violation } from './finding.types';
import { baseSentence, tallySentence } from './report-summary';

const ANSI = { red: 31, yellow: 33, green: 32, dim: 2, bold: 1 } as const;

export function renderText(report: CheckReport, options: { color: boolean }): string {
  const paint = (style: keyof typeof ANSI, text: string) =>
    options.color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text;
  const lines = [baseSentence(report), ''];
  for (const [file, violations] of groupByFile(report.violations)) {
    lines.push(paint('bold', file));
    const width = Math.max(...violations.map((v) => location(v).length));
    for (const v of violations) {
      const severity = paint(v.severity === 'error' ? 'red' : 'yellow', v.severity.padEnd(7));
      lines.push(
        `  ${paint('dim', location(v).padEnd(width))}  ${severity}  ${v.message}  ${paint('dim', v.rule)}`,
      );
    }
    lines.push('');
  }
  for (const { rule, reason } of report.disabled)
    lines.push(paint('dim', `Disabled in herald.yaml: ${rule} (${reason})`));
  if (report.disabled.length > 0) lines.push('');
  const { errors } = countBySeverity(report.violations);
  const tally = tallySentence(report);
  lines.push(errors > 0 ? paint('red', `✖ ${tally}`) : paint('green', `✔ ${tally}`));
  return `${lines.join('\n')}\n`;
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything but '' (no-color.org). */
export function wantsColor(isTTY: boolean | undefined, noColor: string | undefined): boolean {
  return isTTY === true && (noColor === undefined || noColor === '');
}

function location(v: Violation): string {
  return v.line === undefined ? '-' : `${v.line}:${v.column ?? 1}`;
}

function groupByFile(violations: readonly Violation[]): Map<string, Violation[]> {
  const groups = new Map<string, Violation[]>();
  for (const v of violations) groups.set(v.file, [...(groups.get(v.file) ?? []), v]);
  return groups;
}
