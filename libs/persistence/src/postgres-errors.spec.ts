import {
  isPgUnavailable,
  isRecordPgError,
  isTransientPgError,
  isUniqueViolation,
  sqlState,
} from './postgres-errors';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('PostgreSQL error classification', () => {
  it('reads a SQLSTATE, and nothing else as one', () => {
    expect(sqlState(pgError('40P01'))).toBe('40P01');
    expect(sqlState(pgError('EPIPE'))).toBeUndefined();
    expect(sqlState(pgError('ECONNREFUSED'))).toBeUndefined();
    expect(sqlState(new Error('Connection terminated'))).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
  });

  it('knows a unique violation', () => {
    expect(isUniqueViolation(pgError('23505'))).toBe(true);
    expect(isUniqueViolation(pgError('23503'))).toBe(false);
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
  });

  it.each(['22P05', '22003', '23502', '23505', '23514'])(
    'blames the record for class 22 and 23 (%s)',
    (code) => {
      expect(isRecordPgError(pgError(code))).toBe(true);
      expect(isTransientPgError(pgError(code))).toBe(false);
    },
  );

  it.each(['40001', '40P01', '08006', '25006', '28P01', '3D000', '42P01', '53300', '57P01', 'XX000'])(
    'blames the database for anything else (%s)',
    (code) => {
      expect(isRecordPgError(pgError(code))).toBe(false);
      expect(isTransientPgError(pgError(code))).toBe(true);
    },
  );

  it('takes a failure without SQLSTATE for an unreachable server', () => {
    expect(isTransientPgError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientPgError(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it.each(['08006', '53300', '57P01', '58030', '40001', '40P01', '55P03', 'ECONNREFUSED', 'EPIPE'])(
    'calls the database unavailable when it is out of reach or busy (%s)',
    (code) => expect(isPgUnavailable(pgError(code))).toBe(true),
  );

  it('does not call it unavailable for what a statement or its data causes', () => {
    for (const code of ['23505', '22P02', '42P01', '25006', 'XX000']) {
      expect(isPgUnavailable(pgError(code))).toBe(false);
    }
    expect(isPgUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isPgUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isPgUnavailable(new Error('syntax error'))).toBe(false);
  });
});
