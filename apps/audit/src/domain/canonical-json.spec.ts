import { canonicalJson, CanonicalJsonError } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('does not depend on the order keys were inserted', () => {
    const one = { id: 'e1', data: { amount: 10, currency: 'EUR' } };
    const two = { data: { currency: 'EUR', amount: 10 }, id: 'e1' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('orders keys by UTF-16 code units, as RFC 8785 does', () => {
    // From RFC 8785 §3.2.3: a key above the BMP (surrogate pair D83D) sorts before U+FB33.
    const value = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\ud83d\ude00': 'Smiley',
      '\u0080': 'C1',
    };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"CR","1":"One","\u0080":"C1","\u20ac":"Euro","\ud83d\ude00":"Smiley","\ufb33":"Hebrew"}',
    );
  });

  it('writes numbers and strings the ECMAScript way', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7, 'a"\u2028\n'])).toBe('[1e+21,0.1,0,1.5e-7,"a\\"\u2028\\n"]');
  });

  it('drops undefined members as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it.each([[NaN], [Infinity], [new Date(0)], [BigInt(1)], [() => 1]])(
    'refuses %p, which has no lossless JSON form',
    (value) => {
      expect(() => canonicalJson({ value })).toThrow(CanonicalJsonError);
    },
  );
});
