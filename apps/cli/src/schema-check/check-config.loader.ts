/**
 * Reads the `schemaCheck` section of the repository's herald.yaml: which lint rules are disabled,
 * each with the reason a reviewer can weigh. A mistake in it (a disable without a reason, an unknown
 * rule id, a rule that cannot be disabled) is a `config` finding like any other, located in the file,
 * so CI shows it where it was made. Other top-level sections belong to other commands and are ignored.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';

import { childPointer, isJsonObject } from '@app/schema';

import type { DisabledRule, Finding } from './finding.types';
import { DISABLEABLE_RULE_IDS, RULES, isRuleId } from './rule.definitions';

export const CONFIG_FILE = 'herald.yaml';

export interface CheckConfig {
  readonly disabled: readonly DisabledRule[];
  readonly findings: readonly Finding[];
}

const NO_CONFIG: CheckConfig = { disabled: [], findings: [] };

export async function loadCheckConfig(workspaceRoot: string): Promise<CheckConfig> {
  const text = await readFile(join(workspaceRoot, CONFIG_FILE), 'utf8').catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
  return text === undefined ? NO_CONFIG : parseCheckConfig(text);
}

export function parseCheckConfig(text: string): CheckConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    const findings = document.errors.map((error): Finding => {
      const { line, col } = lines.linePos(error.pos[0]);
      const message = `invalid YAML: ${error.message.split('\n')[0] ?? ''}`;
      return { rule: 'config', file: CONFIG_FILE, pointer: '', message, position: { line, column: col } };
    });
    return { disabled: [], findings };
  }
  return readSection(document.toJS() as unknown);
}

function readSection(root: unknown): CheckConfig {
  const findings: Finding[] = [];
  const problem = (pointer: string, message: string) =>
    findings.push({ rule: 'config', file: CONFIG_FILE, pointer, message });
  if (root === null || root === undefined) return NO_CONFIG;
  if (!isJsonObject(root)) {
    problem('', `${CONFIG_FILE} must be a mapping of sections (schemaCheck: ...)`);
    return { disabled: [], findings };
  }
  const section = root.schemaCheck;
  if (section === undefined || section === null) return NO_CONFIG;
  if (!isJsonObject(section)) {
    problem('/schemaCheck', 'schemaCheck must be a mapping, e.g. schemaCheck: { disable: [...] }');
    return { disabled: [], findings };
  }
  for (const key of Object.keys(section).filter((k) => k !== 'disable'))
    problem(childPointer('/schemaCheck', key), `unknown key "${key}" in schemaCheck (allowed: disable)`);
  const disable = section.disable ?? [];
  if (!Array.isArray(disable)) {
    problem('/schemaCheck/disable', 'schemaCheck.disable must be a list of { rule, reason }');
    return { disabled: [], findings };
  }
  const disabled = disable.flatMap((entry: unknown, index) =>
    readDisable(entry, childPointer('/schemaCheck/disable', index), problem),
  );
  return { disabled, findings };
}

function readDisable(
  entry: unknown,
  pointer: string,
  problem: (pointer: string, message: string) => void,
): DisabledRule[] {
  if (!isJsonObject(entry)) {
    problem(pointer, 'each disable entry must be a mapping: { rule: <id>, reason: "<why>" }');
    return [];
  }
  for (const key of Object.keys(entry).filter((k) => k !== 'rule' && k !== 'reason'))
    problem(childPointer(pointer, key), `unknown key "${key}" in a disable entry (allowed: rule, reason)`);
  const { rule, reason } = entry;
  const valid = ruleProblem(rule, childPointer(pointer, 'rule'), problem);
  const reasonGiven = typeof reason === 'string' && reason.trim() !== '';
  if (!reasonGiven) {
    const at = reason === undefined ? pointer : childPointer(pointer, 'reason');
    problem(
      at,
      `disabling ${String(rule)} needs a reason: add reason: "<why this rule does not apply here>"`,
    );
  }
  return valid && reasonGiven && isRuleId(rule) ? [{ rule, reason: reason.trim() }] : [];
}

/** True when `rule` names a rule that may be disabled; otherwise reports why not. */
function ruleProblem(
  rule: unknown,
  pointer: string,
  problem: (pointer: string, message: string) => void,
): boolean {
  const allowed = DISABLEABLE_RULE_IDS.join(', ');
  if (!isRuleId(rule)) {
    const what =
      rule === undefined ? 'a disable entry has no rule' : `unknown rule id ${JSON.stringify(rule)}`;
    problem(pointer, `${what} (rules that can be disabled: ${allowed})`);
    return false;
  }
  if (!RULES[rule].disableable) {
    problem(pointer, `rule ${rule} cannot be disabled: it protects running producers and consumers`);
    return false;
  }
  return true;
}
