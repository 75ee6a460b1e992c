import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webhooksSecrets } from './webhooks-secrets';

describe('webhooks secrets for herald up', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'herald-home-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('generates a token and an encryption key once, private to the user, and reuses them', () => {
    const first = webhooksSecrets({ HERALD_HOME: home });
    expect(first.file).toBe(join(home, 'webhooks.env'));
    expect(first.env['WEBHOOKS_ADMIN_TOKEN']).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.env['WEBHOOKS_ENCRYPTION_KEYS']).toMatch(/^k1:[A-Za-z0-9+/]{43}=$/);
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.file!, 'utf8')).toContain(first.env['WEBHOOKS_ADMIN_TOKEN']);
    expect(webhooksSecrets({ HERALD_HOME: home })).toEqual(first);
  });

  it('leaves values set in the environment alone', () => {
    const env = {
      HERALD_HOME: home,
      WEBHOOKS_ADMIN_TOKEN: 'x'.repeat(30),
      WEBHOOKS_ENCRYPTION_KEYS: 'k:abc',
    };
    expect(webhooksSecrets(env)).toEqual({ env: {}, file: undefined });
    const partly = webhooksSecrets({ HERALD_HOME: home, WEBHOOKS_ADMIN_TOKEN: 'y'.repeat(30) });
    expect(Object.keys(partly.env)).toEqual(['WEBHOOKS_ENCRYPTION_KEYS']);
  });
});
