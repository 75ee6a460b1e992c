import { PositionConflictError } from '@app/persistence';
import { toAuditWriteError } from './postgres-errors';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('audit write errors', () => {
  it.each(['22P05', '22003', '23502', '23514'])('dead-letters what the record causes (%s)', (code) => {
    expect(toAuditWriteError(pgError(code)).retriable).toBe(false);
  });

  it.each([
    '23505',
    '40001',
    '40P01',
    '08006',
    '25006',
    '28P01',
    '3D000',
    '42P01',
    '53300',
    '57P01',
    'XX000',
  ])('retries what the database causes (%s)', (code) => {
    expect(toAuditWriteError(pgError(code)).retriable).toBe(true);
  });

  it('retries a moved position and an unreachable server', () => {
    expect(toAuditWriteError(new PositionConflictError('moved')).retriable).toBe(true);
    expect(
      toAuditWriteError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).retriable,
    ).toBe(true);
  });
});
