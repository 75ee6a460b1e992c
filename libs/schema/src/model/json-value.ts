/**
 * Plain JSON helpers every part of @app/schema and the CLI's schema tools share: the object guard and
 * RFC 6901 JSON pointers, the address every problem and finding uses to say where in a file it applies.
 */

export type JsonObject = { readonly [key: string]: unknown };

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends one reference token to a pointer, escaping `~` and `/` as RFC 6901 requires. */
export function childPointer(pointer: string, token: string | number): string {
  const text = String(token);
  // The JSON mapping builds a pointer per value it validates: most tokens need no escaping.
  if (!text.includes('~') && !text.includes('/')) return `${pointer}/${text}`;
  return `${pointer}/${text.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** The reference tokens of a pointer, unescaped; [] for the whole document. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}
