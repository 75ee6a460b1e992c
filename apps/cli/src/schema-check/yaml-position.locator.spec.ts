import { YamlPositionIndex } from './yaml-position.locator';

const TEXT = [
  'description: Something happened.',
  'compatibility: BACKWARD',
  'schemaCheck:',
  '  disable:',
  '    - rule: field-doc',
  '      reason: legacy',
  '    - { rule: record-doc }',
].join('\n');

describe('YamlPositionIndex', () => {
  const index = YamlPositionIndex.of(TEXT);

  it.each([
    ['', 1, 1],
    ['/compatibility', 2, 1],
    ['/schemaCheck/disable', 4, 3],
    ['/schemaCheck/disable/0', 5, 7],
    ['/schemaCheck/disable/0/reason', 6, 7],
    ['/schemaCheck/disable/1', 7, 7],
    ['/schemaCheck/disable/1/rule', 7, 9],
  ])('locates %s at line %i, column %i', (pointer, line, column) => {
    expect(index.positionOf(pointer)).toEqual({ line, column });
  });

  it('falls back to the nearest ancestor for an absent key', () => {
    expect(index.positionOf('/schemaCheck/disable/1/reason')).toEqual({ line: 7, column: 7 });
    expect(index.positionOf('/owner')).toEqual({ line: 1, column: 1 });
  });
});
