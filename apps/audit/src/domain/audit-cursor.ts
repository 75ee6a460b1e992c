/**
 * The query cursor: opaque to clients (base64url of a small versioned JSON), holding the ingest
 * sequence of the last row of the previous page. The sequence is immutable and, because writes
 * take it in commit order (see postgres-audit-store.ts), a keyset on it neither skips nor
 * repeats rows while new events arrive.
 */
const CURSOR_VERSION = 1;

export function encodeCursor(sequence: string): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, s: sequence }), 'utf8').toString('base64url');
}

/** The sequence inside `cursor`, or undefined when it is not a cursor this service issued. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof decoded !== 'object' || decoded === null) return undefined;
    const { v, s } = decoded as { v?: unknown; s?: unknown };
    if (v !== CURSOR_VERSION || typeof s !== 'string' || !/^(0|[1-9]\d{0,18})$/.test(s)) return undefined;
    return s;
  } catch {
    return undefined;
  }
}
