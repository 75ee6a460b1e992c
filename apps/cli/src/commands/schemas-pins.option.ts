/**
 * `herald schemas check --pins <file|url>`: reads the webhook endpoints' pinned versions (a file, or
 * the webhooks app with WEBHOOKS_ADMIN_TOKEN as bearer) and adds the `pinned-version` findings to
 * the check's report. Says on stderr what it checked (stdout holds only the report, in every
 * format). A source that cannot be read is a usage or environment error (exit 2).
 */
import { cliConfig } from '../cli-config';
import type { CheckReport } from '../schema-check/finding.types';
import { withPinnedVersionFindings } from '../schema-check/pinned-versions.check';
import { readPins, type PinsInUse } from '../schema-check/pins.source';

export const PINS_OPTION_HELP =
  "also check the versions webhook endpoints pin: a file from `herald webhooks pins --json`, or the webhooks app's URL (WEBHOOKS_ADMIN_TOKEN as bearer)";

export async function withPinsOption(
  report: CheckReport,
  options: { readonly pins?: string; readonly dir: string },
): Promise<CheckReport> {
  if (options.pins === undefined) return report;
  const cwd = process.cwd();
  const token = /^https?:\/\//i.test(options.pins) ? cliConfig().WEBHOOKS_ADMIN_TOKEN : undefined;
  const checked = await readPins(options.pins, { cwd, token });
  process.stderr.write(`herald: ${describeChecked(checked)}\n`);
  return withPinnedVersionFindings(report, { dir: options.dir, cwd, pins: checked.pins });
}

function describeChecked(checked: PinsInUse): string {
  const versions = checked.pins.length;
  const endpoints = checked.pins.reduce((sum, pin) => sum + pin.endpoints, 0);
  return (
    `checked ${versions} pinned version${versions === 1 ? '' : 's'} ` +
    `(${endpoints} endpoint pin${endpoints === 1 ? '' : 's'}) from ${checked.source}`
  );
}
