// Parsing the gateway's answers: problem+json (or anything else an error answer carries),
// Retry-After in both of its forms, 202 bodies and batch results.
import { HeraldProblemError } from './herald-errors';
import { parseRetryAfter, toBatchResults, toProblem, toPublishResult } from './wire-format';

describe('gateway answers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 00:00:10 GMT', Date.parse('2026-11-27T00:00:00Z'))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('keeps a problem+json body and turns any other error body into a problem from the status', () => {
    const body = {
      type: 't',
      title: 'Unprocessable',
      status: 422,
      detail: 'd',
      errors: [{ path: '/data/x', message: 'm' }, 7],
    };
    expect(toProblem(422, 'x', body)).toEqual({ ...body, errors: [{ path: '/data/x', message: 'm' }] });
    expect(toProblem(502, 'Bad Gateway', '<html>')).toEqual({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      errors: [],
    });
  });

  it('marks rate limiting and unavailability retriable, refusals not', () => {
    const error = (status: number) => new HeraldProblemError(toProblem(status, 'x', undefined));
    expect([429, 503, 502, 504].map((status) => error(status).retriable)).toEqual([true, true, true, true]);
    expect([400, 401, 403, 409, 413, 415, 422, 500].map((status) => error(status).retriable)).toEqual(
      Array(8).fill(false),
    );
  });

  it('normalises a 202 body, a numeric offset included', () => {
    const body = {
      id: 'e1',
      type: 'a.b.c',
      version: 2,
      topic: 'a.b.c',
      partition: 3,
      offset: 17,
      duplicate: true,
    };
    expect(toPublishResult(body)).toEqual({ ...body, offset: '17' });
    expect(() => toPublishResult({ nope: 1 })).toThrow(/unexpected answer/);
  });

  it('reads batch results in order and refuses a count that does not match the events', () => {
    const results = toBatchResults(
      {
        results: [
          { status: 'accepted', id: 'a', type: 't', version: 1, topic: 't', partition: 0, offset: '1' },
          { status: 'rejected', id: 'b', error: { type: 'x', title: 'Invalid', status: 422 } },
        ],
      },
      2,
    );
    expect(results[0]).toMatchObject({ status: 'accepted', id: 'a' });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      id: 'b',
      error: { status: 422, retriable: false },
    });
    expect(() => toBatchResults({ results: [] }, 1)).toThrow(/expected 1 batch results/);
  });
});
