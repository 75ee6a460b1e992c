/**
 * Every rule `herald schemas check` applies, with its stable id, default severity and whether
 * herald.yaml may disable it. The ids are a contract: CI annotations, `--format json` consumers and
 * herald.yaml disables all name rules by id, so an id is never renamed or reused.
 */
export type Severity = 'error' | 'warning';

export interface RuleDefinition {
  readonly severity: Severity;
  /**
   * Layout, compatibility and history rules protect producers and consumers that already run, so no
   * config may switch them off; lint rules are house style and may be disabled with a reason.
   */
  readonly disableable: boolean;
  readonly summary: string;
}

export const RULES = {
  catalog: {
    severity: 'error',
    disableable: false,
    summary: 'the tree follows the layout, every event.yaml is valid and every schema parses',
  },
  compatibility: {
    severity: 'error',
    disableable: false,
    summary: "each version is compatible with the earlier ones at the type's compatibility level",
  },
  'version-edited': {
    severity: 'error',
    disableable: false,
    summary: 'a published version file keeps its content (whitespace and key order may change)',
  },
  'version-deleted': {
    severity: 'error',
    disableable: false,
    summary: 'a published version file is never deleted',
  },
  'type-removed': {
    severity: 'error',
    disableable: false,
    summary: 'a published event type is never removed',
  },
  'type-renamed': {
    severity: 'error',
    disableable: false,
    summary: 'a published event type is never renamed (its versions reappearing under a new type)',
  },
  'level-loosened': {
    severity: 'error',
    disableable: false,
    summary: 'a compatibility level only ever tightens: the new level implies the old one',
  },
  'registry-version-edited': {
    severity: 'error',
    disableable: false,
    summary: 'with --against registry: each version the registry holds has the content of its vN.avsc',
  },
  'registry-ahead': {
    severity: 'error',
    disableable: false,
    summary:
      'with --against registry: the registry holds no version without a file, and no gap before its newest',
  },
  'registry-version-missing': {
    severity: 'warning',
    disableable: false,
    summary: 'with --against registry: a version not registered yet (herald schemas push registers it)',
  },
  'analytics-metrics': {
    severity: 'error',
    disableable: false,
    summary:
      'the analytics metrics file is valid and each metric reads a numeric field and existing group fields of a catalog version',
  },
  'pinned-version': {
    severity: 'error',
    disableable: false,
    summary:
      'with --pins: every version of a type after one that webhook endpoints pin can be read by the pinned version',
  },
  config: { severity: 'error', disableable: false, summary: 'herald.yaml is valid' },
  'record-doc': { severity: 'error', disableable: true, summary: 'every record has a doc' },
  'enum-doc': { severity: 'error', disableable: true, summary: 'every enum has a doc' },
  'field-doc': { severity: 'error', disableable: true, summary: 'every field has a doc' },
  'namespace-domain': {
    severity: 'error',
    disableable: true,
    summary: 'the top-level record namespace is herald.<domain>',
  },
  'enum-default': { severity: 'error', disableable: true, summary: 'every enum has a default symbol' },
  'new-field-default': {
    severity: 'error',
    disableable: true,
    summary: 'a field added in v2 or later has a default when the level makes new versions read old data',
  },
  'name-case': {
    severity: 'warning',
    disableable: true,
    summary: 'records, enums and fixed types have PascalCase names',
  },
} as const satisfies Record<string, RuleDefinition>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && Object.hasOwn(RULES, value);
}

export const DISABLEABLE_RULE_IDS = RULE_IDS.filter((id) => RULES[id].disableable);
