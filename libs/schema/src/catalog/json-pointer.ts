// RFC 6901 JSON pointers, the address every catalog problem uses to say where in a file it applies.

/** Appends one reference token to a pointer, escaping `~` and `/` as RFC 6901 requires. */
export function childPointer(pointer: string, token: string | number): string {
  const text = String(token);
  return `${pointer}/${/[~/]/.test(text) ? text.replaceAll('~', '~0').replaceAll('/', '~1') : text}`;
}
