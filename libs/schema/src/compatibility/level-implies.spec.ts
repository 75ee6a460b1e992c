import { COMPATIBILITY_LEVELS, levelImplies, type CompatibilityLevel } from './compatibility-levels';

describe('levelImplies', () => {
  /** For each old level, the new levels that keep its promise. */
  const ALLOWED: Record<CompatibilityLevel, CompatibilityLevel[]> = {
    NONE: [...COMPATIBILITY_LEVELS],
    BACKWARD: ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'],
    BACKWARD_TRANSITIVE: ['BACKWARD_TRANSITIVE', 'FULL_TRANSITIVE'],
    FORWARD: ['FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'],
    FORWARD_TRANSITIVE: ['FORWARD_TRANSITIVE', 'FULL_TRANSITIVE'],
    FULL: ['FULL', 'FULL_TRANSITIVE'],
    FULL_TRANSITIVE: ['FULL_TRANSITIVE'],
  };

  const pairs = COMPATIBILITY_LEVELS.flatMap((older) =>
    COMPATIBILITY_LEVELS.map((newer) => [older, newer, ALLOWED[older].includes(newer)] as const),
  );

  it.each(pairs)('from %s to %s keeps the promise: %s', (older, newer, expected) => {
    expect(levelImplies(newer, older)).toBe(expected);
  });
});
