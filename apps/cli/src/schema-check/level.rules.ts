/**
 * What each compatibility level promises, as the check needs it: which directions it checks and
 * whether against every earlier version. Same meaning as `checkCompatibility` in @app/schema (and
 * the Confluent registry); @app/schema keeps its table private, so the CLI states it again here.
 */
import type { CompatibilityDirection, CompatibilityLevel } from '@app/schema';

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
 * nothing, so anything implies it and it implies only itself.
 */
export function levelImplies(newer: CompatibilityLevel, older: CompatibilityLevel): boolean {
  const n = LEVEL_RULES[newer];
  const o = LEVEL_RULES[older];
  if (o.directions.length === 0) return true;
  const directionsKept = o.directions.every((direction) => n.directions.includes(direction));
  return directionsKept && (!o.transitive || n.transitive);
}
