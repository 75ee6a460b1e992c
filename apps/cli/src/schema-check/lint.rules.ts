/**
 * The house-style rules for a schema version (schemas/README.md, "Writing a schema"), each under its
 * own id so herald.yaml can disable it with a reason. They run only on version files that are new or
 * changed against the base: a published file is immutable, so a finding there could never be fixed.
 */
import {
  childPointer,
  isJsonObject,
  levelRule,
  outlineSchema,
  shortNameOf as shortName,
  type CompatibilityLevel,
  type JsonObject,
  type NamedTypeDefinition,
  type SchemaOutline,
} from '@app/schema';

import type { Finding } from './finding.types';
import type { RuleId } from './rule.definitions';

export interface LintTarget {
  readonly domain: string;
  /** Relative to the catalog root. */
  readonly file: string;
  readonly version: number;
  readonly schema: unknown;
  /** undefined when event.yaml is unreadable (the catalog rule reports it). */
  readonly level: CompatibilityLevel | undefined;
  /** The earlier versions' schemas, oldest first, as published where the base has them. */
  readonly earlier: readonly unknown[];
}

/** PascalCase: what every named type in schemas/ uses and what code generators turn into class names. */
const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;

export function lintVersion(target: LintTarget): Finding[] {
  const outline = outlineSchema(target.schema);
  const finding = (rule: RuleId, pointer: string, message: string): Finding => ({
    rule,
    file: target.file,
    pointer,
    message,
  });
  return [
    ...outline.namedTypes.flatMap((named) => namedTypeFindings(named, finding)),
    ...outline.fields.flatMap((field) =>
      hasDoc(field.field)
        ? []
        : [
            finding(
              'field-doc',
              namePointer(field.pointer),
              `field "${field.name}" has no "doc": ${DOC_HINT}`,
            ),
          ],
    ),
    ...namespaceFindings(target, finding),
    ...newFieldFindings(target, outline, finding),
  ];
}

type FindingFactory = (rule: RuleId, pointer: string, message: string) => Finding;

const DOC_HINT = 'say what it means to a consumer, in one or two sentences';

function namedTypeFindings(named: NamedTypeDefinition, finding: FindingFactory): Finding[] {
  const at = namePointer(named.pointer);
  const label = `${named.kind} "${named.name}"`;
  const findings: Finding[] = [];
  if (named.kind === 'record' && !hasDoc(named.node))
    findings.push(finding('record-doc', at, `${label} has no "doc": ${DOC_HINT}`));
  if (named.kind === 'enum' && !hasDoc(named.node))
    findings.push(finding('enum-doc', at, `${label} has no "doc": ${DOC_HINT}`));
  if (named.kind === 'enum' && named.node.default === undefined) {
    findings.push(
      finding(
        'enum-default',
        at,
        `${label} has no "default": add a fallback symbol (e.g. UNKNOWN or OTHER) so a reader on an older ` +
          'version can read symbols added later',
      ),
    );
  }
  if (named.name !== undefined && !PASCAL_CASE.test(shortName(named.name))) {
    const suggestion = pascalCase(shortName(named.name));
    findings.push(finding('name-case', at, `${label} should be named in PascalCase, e.g. "${suggestion}"`));
  }
  return findings;
}

function namespaceFindings(target: LintTarget, finding: FindingFactory): Finding[] {
  if (!isJsonObject(target.schema) || typeof target.schema.name !== 'string') return [];
  const { name, namespace } = target.schema;
  const dotted = name.includes('.');
  const actual = dotted ? name.slice(0, name.lastIndexOf('.')) : namespace;
  const expected = `herald.${target.domain}`;
  if (actual === expected) return [];
  const pointer = dotted || namespace === undefined ? '/name' : '/namespace';
  const found = actual === undefined ? 'no namespace' : `namespace ${JSON.stringify(actual)}`;
  return [
    finding(
      'namespace-domain',
      pointer,
      `the top-level record has ${found}; records of domain "${target.domain}" use namespace "${expected}"`,
    ),
  ];
}

/**
 * A level that checks backward makes the new version read data written with earlier ones, where an
 * added field is absent, so the field needs a default. Transitive levels count every earlier
 * version, the others only the newest. Records are matched by name, as Avro resolves them.
 */
function newFieldFindings(target: LintTarget, outline: SchemaOutline, finding: FindingFactory): Finding[] {
  if (target.level === undefined || target.version < 2) return [];
  const rule = levelRule(target.level);
  if (!rule.directions.includes('backward')) return [];
  const compared = rule.transitive ? target.earlier : target.earlier.slice(-1);
  const earlierRecords = compared.map((schema, index) => ({
    version: rule.transitive ? index + 1 : target.earlier.length,
    records: recordFieldNames(outlineSchema(schema)),
  }));
  return outline.fields.flatMap((field) => {
    if (field.field.default !== undefined || field.record.name === undefined) return [];
    const names = [field.name ?? '', ...aliases(field.field)];
    const recordName = shortName(field.record.name);
    // A record absent from an earlier version is new itself: the field holding it is the one to check.
    const missingIn = earlierRecords
      .filter(({ records }) => {
        const earlierFields = records.get(recordName);
        return earlierFields !== undefined && !names.some((name) => earlierFields.has(name));
      })
      .map(({ version }) => `v${version}`);
    if (missingIn.length === 0) return [];
    return [
      finding(
        'new-field-default',
        namePointer(field.pointer),
        `field "${field.name}" is new in v${target.version} but has no "default": at ${target.level}, ` +
          `v${target.version} must read data written with ${missingIn.join(', ')}, which lack it; add a default ` +
          '(an optional field is ["null", T] with "default": null)',
      ),
    ];
  });
}

/** Field names by unqualified record name. */
function recordFieldNames(outline: SchemaOutline): Map<string, Set<string>> {
  const records = new Map<string, Set<string>>();
  for (const named of outline.namedTypes) {
    if (named.kind === 'record' && named.name !== undefined) records.set(shortName(named.name), new Set());
  }
  for (const field of outline.fields) {
    if (field.record.name !== undefined && field.name !== undefined)
      records.get(shortName(field.record.name))?.add(field.name);
  }
  return records;
}

function aliases(field: JsonObject): string[] {
  return Array.isArray(field.aliases) ? field.aliases.filter((a): a is string => typeof a === 'string') : [];
}

function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function hasDoc(node: JsonObject): boolean {
  return typeof node.doc === 'string' && node.doc.trim() !== '';
}

/** Findings about a named type or field sit on its `"name"` line, the one an author recognises. */
function namePointer(pointer: string): string {
  return childPointer(pointer, 'name');
}
