import { formatDate, parseDate, parseTimestamp } from './logical-values';

const DAY_MS = 86_400_000;

describe('parseDate', () => {
  it('agrees with JavaScript dates on every day from 1899 to 2101 and at the ends of the 4-digit years', () => {
    const first = Date.UTC(1899, 0, 1) / DAY_MS;
    const last = Date.UTC(2101, 11, 31) / DAY_MS;
    const days = [-719_528, -719_162, 2_932_896];
    for (let d = first; d <= last; d++) days.push(d);
    for (const d of days) expect(parseDate(formatDate(d))).toEqual({ ok: true, value: d });
    expect(formatDate(-719_528)).toBe('0000-01-01');
    expect(formatDate(2_932_896)).toBe('9999-12-31');
  });

  it.each([
    '2026-02-29',
    '2100-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-1-01',
  ])('refuses %s', (text) => {
    expect(parseDate(text)).toMatchObject({ ok: false });
  });

  it.each([
    ['2024-02-29', Date.UTC(2024, 1, 29) / DAY_MS],
    ['2000-02-29', Date.UTC(2000, 1, 29) / DAY_MS],
  ])('accepts the leap day %s', (text, days) => {
    expect(parseDate(text)).toEqual({ ok: true, value: days });
  });
});

describe('parseTimestamp', () => {
  it('reads any offset and checks the calendar', () => {
    expect(parseTimestamp('2026-11-26T11:15:00.123+01:00', 'millis')).toEqual({
      ok: true,
      value: BigInt(Date.UTC(2026, 10, 26, 10, 15, 0, 123)),
    });
    expect(parseTimestamp('2026-02-30T10:15:00Z', 'millis')).toMatchObject({ ok: false });
  });
});
