import { InvalidEndpointRequestError } from './endpoint-errors';
import { decodeEndpointCursor, encodeEndpointCursor, isEndpointId, newEndpointId } from './endpoint-ids';
import {
  LIMITS,
  parseCreateRequest,
  parsePageRequest,
  parseRotateRequest,
  parseUpdateRequest,
} from './endpoint-requests';

const valid = { url: 'https://hooks.example.com/', types: ['*'] };
const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidEndpointRequestError) return error.issues;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('endpoint requests', () => {
  it('accepts the largest values allowed, counting characters as code points', () => {
    const emoji = '🎉';
    const request = parseCreateRequest(
      {
        ...valid,
        tenant: emoji.repeat(LIMITS.tenantLength),
        description: `${emoji.repeat(LIMITS.descriptionLength - 2)}\n\t`,
        metadata: Object.fromEntries(
          Array.from({ length: LIMITS.metadataEntries }, (_, i) => [
            `${i}`.padEnd(LIMITS.metadataKeyLength, 'k'),
            'v'.repeat(LIMITS.metadataValueLength),
          ]),
        ),
        rateLimit: LIMITS.rateLimit,
        types: Array.from({ length: LIMITS.types }, (_, i) => `t${i}.*`),
      },
      {},
    );
    expect([...request.tenant!]).toHaveLength(LIMITS.tenantLength);
    expect(Object.keys(request.metadata)).toHaveLength(LIMITS.metadataEntries);
  });

  it('names each unknown field at its own pointer', () => {
    expect(issuesOf(() => parseCreateRequest({ ...valid, a: 1, 'b/c': 2 }, {}))).toEqual([
      { path: '/a', message: 'is not a field of an endpoint' },
      { path: '/b~1c', message: 'is not a field of an endpoint' },
    ]);
  });

  it('takes the body format, "standard" unless said, and refuses any other at /format', () => {
    expect(parseCreateRequest(valid, {}).format).toBe('standard');
    expect(parseCreateRequest({ ...valid, format: 'cloudevents' }, {}).format).toBe('cloudevents');
    expect(parseUpdateRequest({ format: 'standard' })).toEqual({ format: 'standard' });
    for (const format of ['CloudEvents', 'cloudevents+json', '', null, 1, ['cloudevents']]) {
      expect(issuesOf(() => parseCreateRequest({ ...valid, format }, {}))).toEqual([
        {
          path: '/format',
          message: 'must be one of "standard", "cloudevents": the shape of the delivered body',
        },
      ]);
    }
    expect(issuesOf(() => parseUpdateRequest({ format: null }))[0]?.path).toBe('/format');
  });

  it('keeps null (clear) apart from absent (unchanged) in an update', () => {
    expect(parseUpdateRequest({ tenant: null, description: 'x' })).toEqual({
      tenant: null,
      description: 'x',
    });
    expect(parseUpdateRequest({})).toEqual({});
  });

  it('reads page parameters and cursors it gave out, and nothing else', () => {
    const id = newEndpointId();
    expect(isEndpointId(id)).toBe(true);
    expect(decodeEndpointCursor(encodeEndpointCursor(id))).toBe(id);
    expect(parsePageRequest({})).toEqual({ after: undefined, limit: LIMITS.defaultPageSize });
    expect(parsePageRequest({ limit: '100', cursor: encodeEndpointCursor(id) })).toEqual({
      after: id,
      limit: 100,
    });
    expect(decodeEndpointCursor(`${encodeEndpointCursor(id)}=`)).toBeUndefined();
    expect(issuesOf(() => parsePageRequest({ limit: '007' }))).toEqual([
      { path: '/limit', message: expect.any(String) as unknown },
    ]);
    expect(issuesOf(() => parsePageRequest({ limit: ['1', '2'] }))).toEqual([
      { path: '/limit', message: expect.stringMatching(/once/) as unknown },
    ]);
  });

  it('bounds the rotation overlap to seven days', () => {
    expect(parseRotateRequest(undefined)).toEqual({});
    expect(parseRotateRequest({ overlapMs: LIMITS.maxOverlapMs })).toEqual({
      overlapMs: LIMITS.maxOverlapMs,
    });
    expect(issuesOf(() => parseRotateRequest({ overlapMs: LIMITS.maxOverlapMs + 1 }))[0]?.path).toBe(
      '/overlapMs',
    );
  });
});
