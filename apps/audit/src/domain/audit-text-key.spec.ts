import { createHash } from 'node:crypto';
import { isPlainText, MAX_PLAIN_TEXT_BYTES, textKey, textKeysMatching } from './audit-text-key';

const keyForm = (value: string) =>
  `\uffffsha256:${createHash('sha256').update(Buffer.from(value, 'utf16le')).digest('hex')}`;

describe('text keys', () => {
  it('keys a plain value by itself', () => {
    for (const value of [
      '',
      'order-42',
      'ünïcødé 😀',
      '\u0001\u007f\ufffe',
      'x'.repeat(MAX_PLAIN_TEXT_BYTES),
    ]) {
      expect(isPlainText(value)).toBe(true);
      expect(textKey(value)).toBe(value);
      expect(textKeysMatching(value)).toEqual([value]);
    }
  });

  it('keys what PostgreSQL cannot hold or index as it is by U+FFFF, sha256: and the hash of its code units', () => {
    const values = [
      'a\u0000b',
      '\u0000',
      'lone \ud800 surrogate',
      '\udc00',
      'x'.repeat(MAX_PLAIN_TEXT_BYTES + 1),
      // 683 × 3 bytes = 2049 bytes of UTF-8 in 683 code units.
      '\u20ac'.repeat(683),
      '\uffff starts with the mark',
    ];
    for (const value of values) {
      expect(isPlainText(value)).toBe(false);
      expect(textKey(value)).toBe(keyForm(value));
    }
    expect(isPlainText('\u20ac'.repeat(682))).toBe(true);
    // Distinct strings (even ones UTF-8 cannot tell apart: lone surrogates) get distinct keys.
    expect(new Set(values.map(textKey)).size).toBe(values.length);
    expect(textKey('\ud800')).not.toBe(textKey('\udbff'));
  });

  it('never keys a value to a plain value: a key form is not plain itself', () => {
    const key = textKey('a\u0000b');
    expect(isPlainText(key)).toBe(false);
    expect(key).toHaveLength(1 + 'sha256:'.length + 64);
  });

  it('matches a storable non-plain value by itself (rows stored before keys) and by its key', () => {
    const long = 'k'.repeat(3000);
    expect(textKeysMatching(long)).toEqual([long, keyForm(long)]);
    // A key form copied from an `id` finds its row.
    const key = textKey('a\u0000b');
    expect(textKeysMatching(key)).toEqual([key, keyForm(key)]);
    // What PostgreSQL cannot hold is only ever looked up by its key.
    expect(textKeysMatching('a\u0000b')).toEqual([key]);
    expect(textKeysMatching('\ud800')).toEqual([keyForm('\ud800')]);
  });
});
