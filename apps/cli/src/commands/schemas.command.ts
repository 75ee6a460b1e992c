/**
 * `herald schemas check [--dir schemas] [--against <base>] [--pins <file|url>] [--format <f>]`: the
 * schema tree's gate before merge. Exit 0 when there is no error (warnings allowed), 1 when there
 * are violations, 2 for a usage or environment problem (unknown ref, missing folder, bad option, no
 * git base in CI).
 * `herald schemas codegen [--dir schemas] [--out libs/events/src] [--check]`: the generated event
 * types; `--check` exits 1 when the committed files are stale. `herald schemas push`: see
 * schema-push/push.command.ts.
 */
import { Command, Option } from 'commander';

import { runCodegen } from '../codegen/codegen.runner';
import type { CheckReport } from '../schema-check/finding.types';
import { countBySeverity } from '../schema-check/finding.types';
import { GitCommandError } from '../schema-check/git.repository';
import { renderGithub } from '../schema-check/github.reporter';
import { renderJson } from '../schema-check/json.reporter';
import { SchemaCheckUsageError } from '../schema-check/schema-check.error';
import { runSchemaCheck } from '../schema-check/schema-check.runner';
import { pushCommand } from '../schema-push/push.command';
import { PINS_OPTION_HELP, withPinsOption } from './schemas-pins.option';
import { renderText, wantsColor } from '../schema-check/text.reporter';

const FORMATS = ['text', 'json', 'github'] as const;
type Format = (typeof FORMATS)[number];

interface CheckOptions {
  dir: string;
  against?: string;
  pins?: string;
  format: Format;
}

export function schemasCommand(): Command {
  // exitOverride on this command and, through `.command()`, its subcommands: a bad option then
  // reaches main as a CommanderError (exit 2) instead of commander's own exit code 1.
  const schemas = new Command('schemas')
    .description('work with the event schemas in schemas/')
    .exitOverride()
    .showHelpAfterError();
  schemas
    .command('check')
    .description('validate the schema tree, its compatibility, its history against a git base, and its style')
    .option('--dir <dir>', 'the schemas folder', 'schemas')
    .option(
      '--against <base>',
      'git:<ref> to compare with that commit (default: the merge-base with origin/main, else main), or registry:<url> to compare with a schema registry',
    )
    .option('--pins <file|url>', PINS_OPTION_HELP)
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .action(check);
  schemas
    .command('codegen')
    .description('generate TypeScript types of the events (JSON mapping) from the schema tree')
    .option('--dir <dir>', 'the schemas folder', 'schemas')
    .option('--out <dir>', 'the generated folder', 'libs/events/src')
    .option('--check', 'write nothing; exit 1 listing stale, missing and extra files', false)
    .action(codegen);
  schemas.addCommand(pushCommand());
  return schemas;
}

async function codegen(options: { dir: string; out: string; check: boolean }): Promise<void> {
  const outcome = await runCodegen({ ...options, cwd: process.cwd() });
  if (outcome.stderr !== '') process.stderr.write(outcome.stderr);
  await write(outcome.stdout);
  process.exitCode = outcome.exitCode;
}

async function check(options: CheckOptions): Promise<void> {
  try {
    const report = await runSchemaCheck({
      dir: options.dir,
      cwd: process.cwd(),
      ...against(options.against),
      requireBase: runsInCi(process.env['CI']),
    });
    const checked = await withPinsOption(report, options);
    await write(render(checked, options.format));
    process.exitCode = countBySeverity(checked.violations).errors > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof SchemaCheckUsageError || error instanceof GitCommandError)) throw error;
    process.stderr.write(`herald: ${error.message}\n`);
    process.exitCode = 2;
  }
}

function against(base: string | undefined): { againstRef?: string; againstRegistry?: string } {
  if (base === undefined) return {};
  if (base.startsWith('git:')) return { againstRef: base.slice('git:'.length) };
  if (base.startsWith('registry:')) return { againstRegistry: base.slice('registry:'.length) };
  throw new SchemaCheckUsageError(`--against must be git:<ref> or registry:<url>, got "${base}"`);
}

/** CI services set CI (`true` on GitHub, GitLab and most others); `CI=false` or `0` opts out. */
function runsInCi(ci: string | undefined): boolean {
  return ci !== undefined && !['', '0', 'false'].includes(ci.toLowerCase());
}

function render(report: CheckReport, format: Format): string {
  if (format === 'json') return renderJson(report);
  if (format === 'github') return renderGithub(report);
  return renderText(report, { color: wantsColor(process.stdout.isTTY, process.env['NO_COLOR']) });
}

/** Waits for the write: main exits the process right after, and piped stdout may still be flushing. */
function write(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}
