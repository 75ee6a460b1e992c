import { parsePins, pinsUrl, PinsSourceError } from './pins.source';
import { SchemaCheckUsageError } from './schema-check.error';

const refusal = (text: string) => {
  try {
    parsePins(text, 'the file');
  } catch (error) {
    expect(error).toBeInstanceOf(PinsSourceError);
    // The check's usage errors exit 2.
    expect(error).toBeInstanceOf(SchemaCheckUsageError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('pins source', () => {
  it('finds GET /v1/pins under the webhooks app URL given', () => {
    expect(pinsUrl('http://127.0.0.1:8082')).toBe('http://127.0.0.1:8082/v1/pins');
    expect(pinsUrl('https://hooks.internal/webhooks/')).toBe('https://hooks.internal/webhooks/v1/pins');
    expect(pinsUrl('http://127.0.0.1:8082/v1/pins')).toBe('http://127.0.0.1:8082/v1/pins');
    expect(pinsUrl('http://127.0.0.1:8082/v1/pins/')).toBe('http://127.0.0.1:8082/v1/pins');
    expect(pinsUrl('http://127.0.0.1:8082/?x=1')).toBe('http://127.0.0.1:8082/v1/pins?x=1');
  });

  it('reads the listing, ignoring fields it does not know', () => {
    expect(
      parsePins('{"pins": [{"type": "a.b.c", "version": 2, "endpoints": 3, "since": "x"}], "more": 1}', 'x'),
    ).toEqual([{ type: 'a.b.c', version: 2, endpoints: 3 }]);
    expect(parsePins('{"pins": []}', 'x')).toEqual([]);
  });

  it('refuses what is not the listing, naming the spot', () => {
    expect(refusal('')).toMatch(/^the file is not JSON/);
    expect(refusal('{}')).toMatch(/\/pins must be an array/);
    expect(refusal('{"pins": [{"type": "", "version": 1, "endpoints": 1}]}')).toMatch(
      /\/pins\/0\/type must be an event type/,
    );
    expect(refusal('{"pins": [{"type": "a", "version": 1.5, "endpoints": 1}]}')).toMatch(
      /\/pins\/0\/version must be a schema version/,
    );
    expect(refusal('{"pins": [{"type": "a", "version": 1, "endpoints": 0}]}')).toMatch(
      /\/pins\/0\/endpoints must be a count/,
    );
    expect(refusal('{"pins": ["a"]}')).toMatch(/\/pins\/0 must be an object/);
  });
});
