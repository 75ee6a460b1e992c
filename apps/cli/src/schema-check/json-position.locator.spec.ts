import { JsonPositionIndex } from './json-position.locator';

const TEXT = [
  '{',
  '  "type": "record",',
  '  "name": "A",',
  '  "fields": [',
  '    { "name": "id", "type": "string" },',
  '    {',
  '      "name": "status",',
  '      "type": { "type": "enum", "name": "S", "symbols": ["X", "Y"] }',
  '    }',
  '  ],',
  '  "a/b~c": { "\\"quoted\\"": 1 }',
  '}',
].join('\n');

describe('JsonPositionIndex', () => {
  const index = JsonPositionIndex.of(TEXT);

  it.each([
    ['', 1, 1],
    ['/type', 2, 3],
    ['/fields', 4, 3],
    ['/fields/0', 5, 5],
    ['/fields/0/type', 5, 21],
    ['/fields/1', 6, 5],
    ['/fields/1/name', 7, 7],
    ['/fields/1/type/symbols/1', 8, 63],
    ['/a~1b~0c', 11, 3],
    ['/a~1b~0c/"quoted"', 11, 14],
  ])('locates %s at line %i, column %i', (pointer, line, column) => {
    expect(index.positionOf(pointer)).toEqual({ line, column });
  });

  it('falls back to the nearest existing ancestor for a pointer the text lacks', () => {
    expect(index.positionOf('/fields/1/default')).toEqual({ line: 6, column: 5 });
    expect(index.positionOf('/fields/7/name')).toEqual({ line: 4, column: 3 });
    expect(index.positionOf('/doc')).toEqual({ line: 1, column: 1 });
  });

  it('keeps what it indexed before malformed text and never throws', () => {
    const broken = JsonPositionIndex.of('{\n  "type": "record",\n  "fields": [ oops');
    expect(broken.positionOf('/type')).toEqual({ line: 2, column: 3 });
    expect(broken.positionOf('/fields/0')).toEqual({ line: 3, column: 15 });
  });

  it('handles CRLF line ends and a value after an escaped backslash', () => {
    const crlf = JsonPositionIndex.of('{\r\n  "a": "x\\\\",\r\n  "b": 2\r\n}');
    expect(crlf.positionOf('/b')).toEqual({ line: 3, column: 3 });
  });
});
