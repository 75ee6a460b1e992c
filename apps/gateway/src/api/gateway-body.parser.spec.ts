import { GatewayError } from '../domain/gateway-errors';
import { RawBody } from './gateway-body.parser';

const parse = (text: string) => new RawBody(Buffer.from(text)).json();

function refusal(text: string): GatewayError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe('RawBody.json: repeated member names', () => {
  it.each([
    ['{"a":1,"a":2}', '/a'],
    ['{"a":{"b":1,"c":2,"b":3}}', '/a/b'],
    ['[{"x":1},{"y":1,"y":2}]', '/1/y'],
    ['{"events":[{"data":{"k":1}},{"data":{"k":1,"k":1}}]}', '/events/1/data/k'],
    ['{"a/b~":1,"a/b~":1}', '/a~1b~0'],
    ['{"amount":1,"amo\\u0075nt":2}', '/amount'],
    ['{ "a" : 1 ,\n "a"\t:\r2 }', '/a'],
    // A repeat hidden by an escaped colon elsewhere still counts.
    ['{"a":"x","a":"\\u003a"}', '/a'],
    ['{"t":"10:15","t":"10:16"}', '/t'],
  ])('refuses %s with the pointer %s', (text, path) => {
    const error = refusal(text);
    expect(error.kind).toBe('malformed');
    expect(error.violations).toEqual([
      { path, message: expect.stringContaining('more than once') as unknown },
    ]);
  });

  it.each([
    '{"a":"b\\":","c":":"}',
    '["a",":","b"]',
    '{"a":"\\\\","b":"\\\\\\""}',
    '{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}',
    '{"":1,"x":""}',
    '"just a string: with a colon"',
    '{"k":"\\u0022:"}',
    '{"k":"\\u003a","l":"\\u003A:"}',
    '{"a:b":"c:d","e":["f:g",":"]}',
  ])('accepts %s, whose names are each used once per object', (text) => {
    expect(parse(text).value).toEqual(JSON.parse(text));
  });
});

describe('RawBody.json: numbers JSON cannot hold exactly', () => {
  it('keeps no texts for ordinary numbers', () => {
    expect(parse('{"a":1,"b":[2.5,-3e2,9007199254740991]}').numberTexts.size).toBe(0);
  });

  it('keeps the text of each inexact number by pointer', () => {
    const { value, numberTexts } = parse(
      '{"a":9007199254740993,"b":[1,1e400,-1E+400],"c/d":{"e":12345678901234567890}}',
    );
    expect(value).toEqual({ a: 2 ** 53, b: [1, Infinity, -Infinity], 'c/d': { e: 12345678901234567000 } });
    expect(Object.fromEntries(numberTexts)).toEqual({
      '/a': '9007199254740993',
      '/b/1': '1e400',
      '/b/2': '-1E+400',
      '/c~1d/e': '12345678901234567890',
    });
  });

  it('keeps the text of a body that is one number', () => {
    expect(Object.fromEntries(parse(' 1e999 ').numberTexts)).toEqual({ '/': '1e999' });
  });
});
