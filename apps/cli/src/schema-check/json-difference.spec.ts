import { firstDifference } from './json-difference';

describe('firstDifference', () => {
  it('ignores key order, as parsed JSON does', () => {
    expect(
      firstDifference({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 }),
    ).toBeUndefined();
  });

  it('points at the first changed value in the newer document', () => {
    expect(
      firstDifference({ fields: [{ doc: 'a' }, { doc: 'b' }] }, { fields: [{ doc: 'a' }, { doc: 'B' }] }),
    ).toBe('/fields/1/doc');
  });

  it('points at an added key, and at the object that lost a key', () => {
    expect(firstDifference({ a: 1 }, { a: 1, 'x/y': 2 })).toBe('/x~1y');
    expect(firstDifference({ a: { b: 1, c: 2 } }, { a: { b: 1 } })).toBe('/a');
  });

  it('points at an added element, and at the array that lost one', () => {
    expect(firstDifference({ s: ['A'] }, { s: ['A', 'B'] })).toBe('/s/1');
    expect(firstDifference({ s: ['A', 'B'] }, { s: ['A'] })).toBe('/s');
  });

  it('tells a number from a string and null from an object', () => {
    expect(firstDifference({ d: 1 }, { d: '1' })).toBe('/d');
    expect(firstDifference({ d: null }, { d: {} })).toBe('/d');
    expect(firstDifference([1], { 0: 1 })).toBe('');
  });
});
