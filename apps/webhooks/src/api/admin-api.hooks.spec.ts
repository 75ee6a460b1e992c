import { AdminToken } from './admin-api.hooks';

describe('AdminToken', () => {
  const token = new AdminToken('s3cret-admin-token-of-some-length');

  it('accepts exactly the configured bearer token, whatever the case of the scheme', () => {
    expect(token.accepts('Bearer s3cret-admin-token-of-some-length')).toBe(true);
    expect(token.accepts('bearer s3cret-admin-token-of-some-length')).toBe(true);
    expect(token.accepts('BEARER  s3cret-admin-token-of-some-length ')).toBe(true);
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    's3cret-admin-token-of-some-length',
    'Basic s3cret-admin-token-of-some-length',
    'Bearer s3cret-admin-token-of-some-lengt',
    'Bearer s3cret-admin-token-of-some-lengthX',
    'Bearer S3CRET-ADMIN-TOKEN-OF-SOME-LENGTH',
    'Bearer s3cret-admin-token-of-some-length extra',
  ])('refuses %p', (header) => {
    expect(token.accepts(header)).toBe(false);
  });
});
