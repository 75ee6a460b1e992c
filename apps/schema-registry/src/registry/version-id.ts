/**
 * Version ids as the Confluent API spells them: an integer in [1, 2^31-1], or `latest` (also
 * written `-1`). Everything else is refused with 42202 rather than read as "not found", so a
 * typo in a script fails loudly.
 */
import { InvalidVersionError } from './registry-errors';

export type VersionRef = number | 'latest';

/** Java's Integer.MAX_VALUE: Confluent versions and ids are 32-bit signed ints. */
export const MAX_VERSION = 2 ** 31 - 1;

export function parseVersionRef(raw: string): VersionRef {
  const text = raw.trim();
  if (text.toLowerCase() === 'latest' || text === '-1') return 'latest';
  if (!/^\+?\d{1,10}$/.test(text)) throw new InvalidVersionError(raw);
  const version = Number(text);
  if (version < 1 || version > MAX_VERSION) throw new InvalidVersionError(raw);
  return version;
}

/** Versions given in an IMPORT-mode request body: a JSON integer in [1, 2^31-1]. */
export function parseImportVersion(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_VERSION) {
    throw new InvalidVersionError(JSON.stringify(value));
  }
  return value;
}
