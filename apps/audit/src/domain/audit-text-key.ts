/**
 * How audit keys a text value in PostgreSQL's indexed columns (the event id, and the type,
 * source, subject, key and time of an event). A Kafka key or header from a producer other than
 * the gateway can hold anything: `text` cannot hold U+0000, a lone surrogate would arrive as
 * U+FFFD, and a B-tree entry is limited to 2704 bytes (the gateway itself accepts 4096-character
 * keys). Refusing such a value would dead-letter the whole event, so:
 *
 * - a *plain* value (well-formed, no U+0000, at most MAX_PLAIN_TEXT_BYTES of UTF-8, not starting
 *   with U+FFFF) is its own key;
 * - any other value is keyed by U+FFFF + `sha256:` + the lower-hex SHA-256 of its UTF-16 code
 *   units (little-endian: unlike UTF-8, injective for every JavaScript string).
 *
 * U+FFFF is a Unicode noncharacter, and no plain value starts with it, so a key form never
 * equals a plain value: looking a value up by its key is exact (up to SHA-256 collisions).
 */
import { createHash } from 'node:crypto';

/** Keeps an index entry (value + sequence + overhead) well below PostgreSQL's 2704-byte limit. */
export const MAX_PLAIN_TEXT_BYTES = 2048;

const KEY_MARK = '\uffff';

export function isPlainText(value: string): boolean {
  return (
    !value.startsWith(KEY_MARK) &&
    !value.includes('\u0000') &&
    value.isWellFormed() &&
    // UTF-8 needs at most 3 bytes per UTF-16 code unit: most values skip the byte count.
    (value.length * 3 <= MAX_PLAIN_TEXT_BYTES || Buffer.byteLength(value, 'utf8') <= MAX_PLAIN_TEXT_BYTES)
  );
}

/** The value itself when plain, otherwise its key form. */
export function textKey(value: string): string {
  if (isPlainText(value)) return value;
  return `${KEY_MARK}sha256:${createHash('sha256').update(Buffer.from(value, 'utf16le')).digest('hex')}`;
}

/**
 * The column values that can stand for `value`: its key, plus the value itself when PostgreSQL
 * can hold it although it is not plain — a row stored before keys existed (migration 0002) kept
 * such a value verbatim, and a key form someone copied from an `id` finds its row.
 */
export function textKeysMatching(value: string): string[] {
  const key = textKey(value);
  if (key === value) return [value];
  return value.includes('\u0000') || !value.isWellFormed() ? [key] : [value, key];
}
