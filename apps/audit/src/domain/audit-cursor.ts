/**
 * The query cursor: opaque to clients (base64url of a small versioned JSON), holding the ingest
 * sequence of the last row of the previous page. The sequence is immutable and, because writes
 * take it in commit order (see postgres-audit-store.ts), a keyset on it neither skips nor
 * repeats rows while new events arrive. A cursor is not a capability: a client that crafts one
 * only chooses where its page starts, so decoding checks that it is well formed and that the
 * sequence fits the bigint column, nothing more.
 */
const CURSOR_VERSION = 1;
/** Far above any cursor this service issues (about 40 characters); bounds the decoding work. */
const MAX_CURSOR_LENGTH = 200;
const MAX_SEQUENCE = 2n ** 63n - 1n;

export function encodeCursor(sequence: string): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, s: sequence }), 'utf8').toString('base64url');
}

/** The sequence inside `cursor`, or undefined when it is not a cursor this service could have issued. */
export function decodeCursor(cursor: string): string | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof decoded !== 'object' || decoded === null) return undefined;
    const { v, s } = decoded as { v?: unknown; s?: unknown };
    if (v !== CURSOR_VERSION || typeof s !== 'string' || !/^(0|[1-9]\d{0,18})$/.test(s)) return undefined;
    return BigInt(s) <= MAX_SEQUENCE ? s : undefined;
  } catch {
    return undefined;
  }
}
