/**
 * Canonical JSON for hashing: the RFC 8785 (JCS) form for the values audit hashes. Object keys
 * are sorted by UTF-16 code units (JavaScript's default string order, as JCS requires), no
 * whitespace, strings and numbers as ECMAScript's JSON.stringify writes them (JCS adopts that
 * number form). Values that JSON cannot carry losslessly are refused instead of being silently
 * changed, because two different rows must never hash the same.
 */
export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${value} has no JSON form`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      return canonicalObject(value as Record<string, unknown>);
    default:
      throw new CanonicalJsonError(`a ${typeof value} has no JSON form`);
  }
}

function canonicalObject(object: Record<string, unknown>): string {
  const prototype = Object.getPrototypeOf(object) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    // Dates, Buffers, BigInts in wrappers...: their JSON form depends on toJSON, not on data.
    throw new CanonicalJsonError('only plain objects have a canonical form');
  }
  const members: string[] = [];
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    // JSON.stringify drops undefined members; so do we, so a missing and an undefined field agree.
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
