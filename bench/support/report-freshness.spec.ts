import { checkFreshness, type Freshness } from './report-freshness';

const reason = (result: Freshness): string | undefined => (result.fresh ? undefined : result.reason);

describe('checkFreshness', () => {
  const startedAt = Date.parse('2026-12-07T00:10:00.000Z');
  const old = { mtimeMs: Date.parse('2026-12-06T18:00:00.000Z'), date: '2026-12-06T18:00:00.000Z' };
  const written = { mtimeMs: Date.parse('2026-12-07T00:20:00.000Z'), date: '2026-12-07T00:20:00.000Z' };

  it('accepts a file rewritten during the run with a new date', () => {
    expect(checkFreshness(old, written, startedAt)).toEqual({ fresh: true });
    expect(checkFreshness({ mtimeMs: null, date: null }, written, startedAt)).toEqual({ fresh: true });
  });

  it('refuses a file the bench did not write or did not change', () => {
    expect(checkFreshness({ mtimeMs: null, date: null }, { mtimeMs: null, date: null }, startedAt)).toEqual({
      fresh: false,
      reason: 'the bench wrote no result file',
    });
    expect(reason(checkFreshness(old, old, startedAt))).toBe('the result file did not change in this run');
  });

  it('refuses a touched file that still carries its old date, or a date from before the run', () => {
    expect(reason(checkFreshness(old, { ...written, date: old.date }, startedAt))).toMatch(
      /date did not change/,
    );
    expect(reason(checkFreshness(old, { ...written, date: '2026-12-06T23:00:00.000Z' }, startedAt))).toMatch(
      /older than this run/,
    );
    expect(reason(checkFreshness(old, { ...written, date: null }, startedAt))).toBe(
      'the result file records no date',
    );
  });
});
