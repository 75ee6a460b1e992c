import { encodeCursor } from './audit-cursor';
import { InvalidAuditRequestError } from './audit-errors';
import {
  MAX_TEXT_LENGTH,
  parseEventIdRequest,
  parseExportRequest,
  parsePageRequest,
  parseVerifyScope,
} from './audit-requests';

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

  it('export takes the same filters and refuses a page size like any unknown parameter', () => {
    expect(parseExportRequest({ type: 't', cursor: encodeCursor('7') })).toEqual({
      filter: { type: 't' },
      after: '7',
    });
    expect(issuesOf(() => parseExportRequest({ type: 't', limit: '5' }))).toEqual([
      { path: '/', message: 'unknown parameter(s) limit' },
    ]);
    expect(issuesOf(() => parseExportRequest({ tpye: 't' }))).toEqual([
      { path: '/', message: 'unknown parameter(s) tpye' },
    ]);
  });

  describe('dates', () => {
    it.each([
      ['February 30', '2026-02-30T00:00:00Z'],
      ['February 29 of a common year', '2026-02-29T00:00:00Z'],
      ['April 31', '2026-04-31T00:00:00Z'],
      ['month 13', '2026-13-01T00:00:00Z'],
      ['month 0', '2026-00-10T00:00:00Z'],
      ['day 0', '2026-01-00T00:00:00Z'],
      ['hour 24', '2026-01-01T24:00:00Z'],
      ['hour 25', '2026-01-01T25:00:00Z'],
      ['minute 60', '2026-01-01T10:60:00Z'],
      ['a leap second', '2016-12-31T23:59:60Z'],
      ['a made-up leap second', '2026-03-01T12:00:60Z'],
      ['offset +24:00', '2026-01-01T00:00:00+24:00'],
      ['offset minute 60', '2026-01-01T00:00:00+01:60'],
      ['no offset', '2026-01-01T00:00:00'],
      ['no seconds', '2026-01-01T00:00Z'],
      ['a date only', '2026-01-01'],
      ['a number', '1767225600000'],
      ['overlong', `2026-01-01T00:00:00.${'0'.repeat(100)}Z`],
    ])('refuses %s (%s) as from and as to, on search and export', (_what, value) => {
      for (const name of ['from', 'to']) {
        expect(issuesOf(() => parsePageRequest({ [name]: value })).map((i) => i.path)).toEqual([`/${name}`]);
        expect(issuesOf(() => parseExportRequest({ [name]: value })).map((i) => i.path)).toEqual([
          `/${name}`,
        ]);
      }
    });

    it('accepts RFC 3339 as written: leap days, offsets, lowercase t and z, a space, any fraction', () => {
      const from = (value: string) => parsePageRequest({ from: value }).filter.from;
      expect(from('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00.000Z');
      expect(from('2000-02-29T00:00:00-01:30')).toBe('2000-02-29T01:30:00.000Z');
      expect(from('2026-01-01t00:00:00z')).toBe('2026-01-01T00:00:00.000Z');
      expect(from('2026-01-01 00:00:00Z')).toBe('2026-01-01T00:00:00.000Z');
      expect(from('2026-01-01T00:00:00.123456789Z')).toBe('2026-01-01T00:00:00.123Z');
    });

    it('says how to send a + offset when a URL turned it into a space', () => {
      expect(issuesOf(() => parsePageRequest({ from: '2026-01-01T00:00:00 01:00' }))[0]?.message).toContain(
        '%2B',
      );
    });

    it('refuses an empty or inverted window, comparing instants rather than text', () => {
      const at = (from: string, to: string) =>
        issuesOf(() => parsePageRequest({ from, to })).map((i) => `${i.path} ${i.message}`);
      expect(at('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toEqual(['/to must be later than from']);
      expect(at('2026-01-01T00:00:00Z', '2026-01-01T01:00:00+02:00')).toEqual([
        '/to must be later than from',
      ]);
      // Year 10000 in UTC: as text, "+010000-…" would sort before "9999-…".
      expect(at('9999-12-31T23:00:00-02:00', '9999-12-31T23:59:59Z')).toEqual([
        '/to must be later than from',
      ]);
      expect(
        issuesOf(() => parseExportRequest({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })),
      ).toEqual([{ path: '/to', message: 'must be later than from' }]);
      expect(
        parsePageRequest({ from: '2026-01-01T01:00:00+02:00', to: '2026-01-01T00:00:00Z' }).filter,
      ).toEqual({
        from: '2025-12-31T23:00:00.000Z',
        to: '2026-01-01T00:00:00.000Z',
      });
    });
  });

  describe('ids and filter values', () => {
    it.each([
      ['a NUL', 'a\u0000b', 'must not contain U+0000 (NUL)'],
      ['a lone high surrogate', 'a\ud800b', 'must be well-formed Unicode (no lone surrogate)'],
      ['a lone low surrogate', '\udc00', 'must be well-formed Unicode (no lone surrogate)'],
      [
        'too many characters',
        'x'.repeat(MAX_TEXT_LENGTH + 1),
        `must be at most ${MAX_TEXT_LENGTH} characters`,
      ],
    ])(
      'refuses %s, which no stored row can hold, in every filter and in an event id',
      (_what, value, message) => {
        for (const name of ['type', 'key', 'subject', 'source']) {
          expect(issuesOf(() => parsePageRequest({ [name]: value }))).toEqual([
            { path: `/${name}`, message },
          ]);
          expect(issuesOf(() => parseExportRequest({ [name]: value }))).toEqual([
            { path: `/${name}`, message },
          ]);
        }
        expect(issuesOf(() => parseEventIdRequest(value, {}))).toEqual([{ path: '/eventId', message }]);
      },
    );

    it('accepts what a producer can have stored: other controls, astral characters, the longest key', () => {
      const stored = ['a\tb', 'line\n', 'a\u001b[0m', 'a\u007fb', 'a\u0085b', 'caf\u00e9 \ud83d\ude00'];
      // The store's key form of a value it cannot hold verbatim (audit-text-key.ts), as an id shows it.
      stored.push(`\uffffsha256:${'0'.repeat(64)}`);
      for (const value of [...stored, 'k'.repeat(MAX_TEXT_LENGTH)]) {
        expect(parsePageRequest({ key: value }).filter.key).toBe(value);
        expect(parseEventIdRequest(value, {})).toBe(value);
      }
    });
  });

  describe('page size', () => {
    it.each(['1e2', '0x10', ' 5', '5 ', '05', '+5', '-1', '1.0', '', '99999999999999999999'])(
      'refuses %p: only plain decimal digits',
      (limit) => {
        expect(issuesOf(() => parsePageRequest({ limit }))).toEqual([
          { path: '/limit', message: 'must be a whole number from 1 to 1000' },
        ]);
      },
    );

    it('refuses a page size given twice, and takes one as a number from code', () => {
      expect(issuesOf(() => parsePageRequest({ limit: ['5', '6'] })).map((i) => i.path)).toEqual(['/limit']);
      expect(parsePageRequest({ limit: 1000 }).limit).toBe(1000);
    });
  });

  it('refuses a cursor whose sequence does not fit a bigint, or that is far longer than any issued', () => {
    const crafted = (s: string) => Buffer.from(JSON.stringify({ v: 1, s })).toString('base64url');
    expect(parsePageRequest({ cursor: crafted('9223372036854775807') }).after).toBe('9223372036854775807');
    expect(issuesOf(() => parsePageRequest({ cursor: crafted('9223372036854775808') }))).toEqual([
      { path: '/cursor', message: 'is not a valid cursor' },
    ]);
    expect(issuesOf(() => parsePageRequest({ cursor: `${encodeCursor('1')}${'A'.repeat(200)}` }))).toEqual([
      { path: '/cursor', message: 'is not a valid cursor' },
    ]);
  });

  it('looks an event up by id and nothing else: any parameter is refused, with the id problems', () => {
    expect(parseEventIdRequest('evt-1', {})).toBe('evt-1');
    expect(parseEventIdRequest('evt-1', undefined)).toBe('evt-1');
    expect(issuesOf(() => parseEventIdRequest('evt-1', { pretty: 'true' }))).toEqual([
      { path: '/', message: 'unknown parameter(s) pretty' },
    ]);
    expect(issuesOf(() => parseEventIdRequest('', { x: '1' }))).toEqual([
      { path: '/eventId', message: 'must not be empty' },
      { path: '/', message: 'unknown parameter(s) x' },
    ]);
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

  it('verify refuses an inverted offset range; one offset is a range of one', () => {
    expect(
      issuesOf(() => parseVerifyScope({ topic: 't', partition: 0, fromOffset: 9, toOffset: '1' })),
    ).toEqual([
      { path: '/toOffset', message: 'must not be below fromOffset (the range includes both ends)' },
    ]);
    // Compared as numbers, not text ("10" < "9").
    expect(
      issuesOf(() => parseVerifyScope({ topic: 't', partition: 0, fromOffset: '10', toOffset: '9' })).length,
    ).toBe(1);
    expect(parseVerifyScope({ topic: 't', partition: 0, fromOffset: 9, toOffset: 9 })).toMatchObject({
      fromOffset: '9',
      toOffset: '9',
    });
    expect(parseVerifyScope({ topic: 't', partition: 0, fromOffset: '9', toOffset: '10' })).toMatchObject({
      fromOffset: '9',
      toOffset: '10',
    });
  });

  it.each([
    ['a partition beyond int32', { topic: 't', partition: 2 ** 31 }, '/partition'],
    ['a fractional partition', { topic: 't', partition: 1.5 }, '/partition'],
    ['a partition as text', { topic: 't', partition: '1' }, '/partition'],
    [
      'an offset beyond int64',
      { topic: 't', partition: 0, fromOffset: '9223372036854775808' },
      '/fromOffset',
    ],
    ['an offset of 20 digits', { topic: 't', partition: 0, toOffset: '10000000000000000000' }, '/toOffset'],
    ['an offset number above 2^53', { topic: 't', partition: 0, fromOffset: 2 ** 60 }, '/fromOffset'],
    ['a negative offset', { topic: 't', partition: 0, fromOffset: -1 }, '/fromOffset'],
    ['an offset with a sign', { topic: 't', partition: 0, fromOffset: '+1' }, '/fromOffset'],
    ['a NUL in the topic', { topic: 'a\u0000b' }, '/topic'],
    ['a lone surrogate in the topic', { topic: '\ud800' }, '/topic'],
    ['a space in the topic', { topic: 'orders shipped' }, '/topic'],
    ['a topic of 250 characters', { topic: 't'.repeat(250) }, '/topic'],
    ['the topic ..', { topic: '..' }, '/topic'],
    ['an empty topic', { topic: '' }, '/topic'],
  ])('verify refuses %s', (_what, body, path) => {
    expect(issuesOf(() => parseVerifyScope(body)).map((i) => i.path)).toEqual([path]);
  });

  it('verify takes the largest offset and partition Kafka has, and the longest topic name', () => {
    expect(
      parseVerifyScope({ topic: 't'.repeat(249), partition: 2 ** 31 - 1, toOffset: '9223372036854775807' }),
    ).toEqual({ topic: 't'.repeat(249), partition: 2 ** 31 - 1, toOffset: '9223372036854775807' });
  });

  it('verify wants a JSON object when a body is given, and refuses unknown fields and any parameter', () => {
    expect(issuesOf(() => parseVerifyScope(null))).toHaveLength(1);
    expect(issuesOf(() => parseVerifyScope([]))).toHaveLength(1);
    expect(issuesOf(() => parseVerifyScope({ topik: 't' }))).toEqual([
      { path: '/', message: 'unknown field(s) topik' },
    ]);
    expect(issuesOf(() => parseVerifyScope({}, { topic: 't' }))).toEqual([
      { path: '/', message: 'unknown parameter(s) topic' },
    ]);
    expect(parseVerifyScope(undefined, {})).toEqual({});
  });
});
