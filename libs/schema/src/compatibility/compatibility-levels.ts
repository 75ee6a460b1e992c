/**
 * Compatibility levels with the Confluent Schema Registry's meaning. BACKWARD: the candidate,
 * as reader, reads data written with earlier schemas (consumers upgrade first). FORWARD: earlier
 * schemas, as readers, read data written with the candidate (producers upgrade first). FULL:
 * both. A `_TRANSITIVE` level checks against every earlier version, the others only against the
 * newest, so a chain of individually compatible steps can still fail a transitive level.
 */
import type { Incompatibility } from './incompatibility';
import { findIncompatibilities } from './reader-writer-check';
import { parseCheckedSchema } from './checked-schema';
import type { AvroSchemaJson } from '../avro-schema-json';

export const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** `backward`: the candidate reads the earlier schema's data; `forward`: the other way round. */
export type CompatibilityDirection = 'backward' | 'forward';

export interface LevelIncompatibility extends Incompatibility {
  readonly direction: CompatibilityDirection;
  /** Index into `previousNewestFirst` of the schema the candidate was checked against. */
  readonly againstIndex: number;
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  readonly incompatibilities: LevelIncompatibility[];
  /** True when a checked pair had more incompatibilities than MAX_REPORTED_INCOMPATIBILITIES. */
  readonly truncated: boolean;
}

/** What a level promises: which directions it checks, and whether against every earlier version. */
export interface LevelRule {
  readonly directions: readonly CompatibilityDirection[];
  readonly transitive: boolean;
}

const LEVEL_RULES: Readonly<Record<CompatibilityLevel, LevelRule>> = {
  BACKWARD: { directions: ['backward'], transitive: false },
  BACKWARD_TRANSITIVE: { directions: ['backward'], transitive: true },
  FORWARD: { directions: ['forward'], transitive: false },
  FORWARD_TRANSITIVE: { directions: ['forward'], transitive: true },
  FULL: { directions: ['backward', 'forward'], transitive: false },
  FULL_TRANSITIVE: { directions: ['backward', 'forward'], transitive: true },
  NONE: { directions: [], transitive: false },
};

export function levelRule(level: CompatibilityLevel): LevelRule {
  return LEVEL_RULES[level];
}

/**
 * True when every evolution `newer` admits is one `older` would also have admitted: it checks at
 * least the same directions, and against every earlier version wherever `older` did. NONE checks
 * nothing, so anything implies it and it implies only itself. (A level change that fails this
 * loosens the subject's guarantee.)
 */
export function levelImplies(newer: CompatibilityLevel, older: CompatibilityLevel): boolean {
  const n = LEVEL_RULES[newer];
  const o = LEVEL_RULES[older];
  if (o.directions.length === 0) return true;
  const directionsKept = o.directions.every((direction) => n.directions.includes(direction));
  return directionsKept && (!o.transitive || n.transitive);
}

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/**
 * Checks a candidate schema against the earlier versions of its subject, newest first. The
 * candidate must be valid Avro even under NONE; earlier versions are parsed only when checked.
 * The messages' remedies are changes to the candidate, since the earlier versions are published.
 */
export function checkCompatibility(
  level: CompatibilityLevel,
  candidate: AvroSchemaJson,
  previousNewestFirst: readonly AvroSchemaJson[],
): CompatibilityResult {
  if (!isCompatibilityLevel(level)) {
    throw new RangeError(
      `unknown compatibility level ${JSON.stringify(level)}: use one of ${COMPATIBILITY_LEVELS.join(', ')}`,
    );
  }
  const rule = LEVEL_RULES[level];
  const candidateModel = parseCheckedSchema(candidate, 'candidate schema');
  const checked =
    rule.directions.length === 0 ? [] : previousNewestFirst.slice(0, rule.transitive ? undefined : 1);
  let truncated = false;
  const incompatibilities = checked.flatMap((previous, againstIndex) => {
    const previousModel = parseCheckedSchema(previous, `previous schema #${againstIndex} (newest first)`);
    return rule.directions.flatMap((direction) => {
      const report =
        direction === 'backward'
          ? findIncompatibilities(candidateModel, previousModel, 'reader')
          : findIncompatibilities(previousModel, candidateModel, 'writer');
      truncated ||= report.truncated;
      return report.found.map((incompatibility) => ({ ...incompatibility, direction, againstIndex }));
    });
  });
  return { compatible: incompatibilities.length === 0, incompatibilities, truncated };
}
