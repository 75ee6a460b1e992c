import fc from 'fast-check';

import { parseJsonText } from './json-text.parser';

describe('parseJsonText', () => {
  it.each([
    [
      'a missing comma',
      '{\n  "type": "record"\n  "name": "A"\n}',
      3,
      3,
      `expected ',' or '}' after a property value`,
    ],
    ['a trailing comma', '{\n  "symbols": ["A", "B",]\n}', 2, 24, 'expected a value, found "]"'],
    ['a single-quoted key', "{'type': 'record'}", 1, 2, 'expected a property name in double quotes'],
    ['a truncated file', '{\n  "type": "rec', 2, 15, 'unterminated string'],
    ['an empty file', '', 1, 1, 'expected a value, found the end of the file'],
    [
      'a comment',
      '{\n  // the payment\n  "type": "record"\n}',
      2,
      3,
      'expected a property name in double quotes',
    ],
    ['a bad escape', '{"doc": "C:\\query"}', 1, 12, 'invalid escape sequence in string'],
    ['a raw tab in a string', '{"doc": "a\tb"}', 1, 11, 'unescaped control character in string'],
    ['a leading zero', '{"size": 016}', 1, 11, `expected ',' or '}' after a property value`],
    ['two documents', '{}\n{}', 2, 1, 'unexpected content after the end of the document'],
    ['a byte order mark', '\uFEFF{}', 1, 1, 'expected a value, found U+FEFF'],
    ['absurd nesting', '['.repeat(2000), 1, 1002, 'nesting deeper than 1000 levels'],
  ])('reports %s with its line and column', (_case, text, line, column, message) => {
    const result = parseJsonText(text);
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          pointer: '',
          message: expect.stringContaining(`at line ${line}, column ${column}: ${message}`) as unknown,
        },
      ],
    });
  });

  it('reports every duplicated key at its pointer, escaping / and ~ in keys', () => {
    const text = '{"fields": [{"name": "a", "default": 1, "default": 2}], "a/b~": 1, "a/b~": 2}';
    expect(parseJsonText(text)).toEqual({
      ok: false,
      problems: [
        { pointer: '/fields/0/default', message: 'duplicate key "default"' },
        { pointer: '/a~1b~0', message: 'duplicate key "a/b~"' },
      ],
    });
  });

  it('treats keys that differ only in escapes as the same key', () => {
    expect(parseJsonText('{"a": 1, "\\u0061": 2}')).toEqual({
      ok: false,
      problems: [{ pointer: '/a', message: 'duplicate key "a"' }],
    });
  });

  it('returns the same value as JSON.parse for any JSON document, however it is laid out', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseJsonText(text)).toEqual({ ok: true, value: JSON.parse(text) as unknown });
      }),
    );
  });

  it('accepts a text only if JSON.parse does, and rejects every text JSON.parse rejects', () => {
    // A JSON document with one edit next to a structural character, where grammar mistakes live.
    const damaged = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', ',', '"', '}', ']', ':', '\\', '-', '0', ' '),
        fc.boolean(),
      )
      .map(([text, at, insert, removeOne]) => {
        const structural = [...text].flatMap((c, i) => ('[]{},:"'.includes(c) ? [i, i + 1] : []));
        const cut = structural.length === 0 ? at % (text.length + 1) : structural[at % structural.length]!;
        return text.slice(0, cut) + insert + text.slice(removeOne ? cut + 1 : cut);
      });
    fc.assert(
      fc.property(fc.oneof(damaged, fc.string()), (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const result = parseJsonText(text);
        if (!parses) expect(result.ok).toBe(false);
        if (result.ok) expect(parses).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
