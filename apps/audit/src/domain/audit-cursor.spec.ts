import { decodeCursor, encodeCursor } from './audit-cursor';

describe('audit cursor', () => {
  it('round-trips a sequence through an opaque, URL-safe text', () => {
    const cursor = encodeCursor('9223372036854775807');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('9223372036854775807');
    expect(decodeCursor(cursor)).toBe('9223372036854775807');
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['another version', Buffer.from('{"v":2,"s":"1"}').toString('base64url')],
    ['a non-numeric sequence', Buffer.from('{"v":1,"s":"1 OR 1=1"}').toString('base64url')],
    ['a number instead of text', Buffer.from('{"v":1,"s":5}').toString('base64url')],
    ['empty', ''],
  ])('rejects %s', (_what, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});
