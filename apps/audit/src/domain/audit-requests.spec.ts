import { encodeCursor } from './audit-cursor';
import { InvalidAuditRequestError } from './audit-errors';
import { parseExportRequest, parsePageRequest, parseVerifyScope } from './audit-requests';

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidAuditRequestError) return [...error.issues];
    throw error;
  }
  throw new Error('expected an InvalidAuditRequestError');
}

describe('audit request validation', () => {
  it('parses every filter, the cursor and the page size', () => {
    expect(
      parsePageRequest({
        type: 'orders.order.shipped',
        key: 'k',
        subject: 's',
        source: 'shop',
        from: '2026-01-01T00:00:00+01:00',
        to: '2026-01-02T00:00:00Z',
        cursor: encodeCursor('42'),
        limit: '10',
      }),
    ).toEqual({
      filter: {
        type: 'orders.order.shipped',
        key: 'k',
        subject: 's',
        source: 'shop',
        from: '2025-12-31T23:00:00.000Z',
        to: '2026-01-02T00:00:00.000Z',
      },
      after: '42',
      limit: 10,
    });
  });

  it('defaults to the first page of 100 with no filter', () => {
    expect(parsePageRequest({})).toEqual({ filter: {}, after: undefined, limit: 100 });
  });

  it.each([
    [{ limit: '0' }, '/limit'],
    [{ limit: '1001' }, '/limit'],
    [{ limit: 'ten' }, '/limit'],
    [{ limit: '2.5' }, '/limit'],
    [{ from: 'yesterday' }, '/from'],
    [{ from: '2026-01-01' }, '/from'],
    [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, '/to'],
    [{ cursor: 'garbage!' }, '/cursor'],
    [{ type: ['a', 'b'] }, '/type'],
    [{ type: '' }, '/type'],
  ])('rejects %p at %s', (query, path) => {
    expect(issuesOf(() => parsePageRequest(query)).map((i) => i.path)).toContain(path);
  });

  it('rejects unknown parameters by name, so a typo does not widen the query', () => {
    expect(issuesOf(() => parsePageRequest({ tpye: 'x' }))).toEqual([
      { path: '/', message: 'unknown parameter(s) tpye' },
    ]);
  });

  it('export takes the same filters without a page size', () => {
    expect(parseExportRequest({ type: 't', limit: '5' })).toEqual({
      filter: { type: 't' },
      after: undefined,
    });
  });

  it('verify takes nothing, a topic, a partition or an offset range of one partition', () => {
    expect(parseVerifyScope(undefined)).toEqual({});
    expect(parseVerifyScope({ topic: 't', partition: 2, fromOffset: 5, toOffset: '9' })).toEqual({
      topic: 't',
      partition: 2,
      fromOffset: '5',
      toOffset: '9',
    });
    expect(issuesOf(() => parseVerifyScope({ partition: 1 })).map((i) => i.path)).toEqual(['/partition']);
    expect(issuesOf(() => parseVerifyScope({ topic: 't', fromOffset: 1 })).map((i) => i.path)).toEqual([
      '/fromOffset',
    ]);
    expect(issuesOf(() => parseVerifyScope({ topic: 't', partition: -1 })).map((i) => i.path)).toEqual([
      '/partition',
    ]);
    expect(issuesOf(() => parseVerifyScope('all')).length).toBe(1);
  });
});
