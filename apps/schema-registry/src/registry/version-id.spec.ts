import { InvalidVersionError } from './registry-errors';
import { parseVersionRef } from './version-id';

describe('parseVersionRef', () => {
  it.each([
    ['1', 1],
    ['2147483647', 2 ** 31 - 1],
    ['latest', 'latest'],
    ['LATEST', 'latest'],
    ['-1', 'latest'],
  ])('reads %s', (raw, expected) => {
    expect(parseVersionRef(raw)).toBe(expected);
  });

  it.each(['0', '-2', 'abc', '1.5', '', '2147483648', '99999999999999999999', '1e3'])(
    'refuses %j with 42202',
    (raw) => {
      expect(() => parseVersionRef(raw)).toThrow(InvalidVersionError);
      expect(() => parseVersionRef(raw)).toThrow(`The specified version '${raw}' is not a valid version id.`);
    },
  );
});
