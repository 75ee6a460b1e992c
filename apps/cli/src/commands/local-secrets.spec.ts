import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSecrets, registryWriteSecrets, WEBHOOKS_SECRETS } from './local-secrets';

describe('secrets herald up generates', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'herald-home-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  describe('for the webhooks app', () => {
    it('generates a token and an encryption key once, private to the user, and reuses them', () => {
      const first = localSecrets(WEBHOOKS_SECRETS, { HERALD_HOME: home });
      expect(first.file).toBe(join(home, 'webhooks.env'));
      expect(first.env['WEBHOOKS_ADMIN_TOKEN']).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(first.env['WEBHOOKS_ENCRYPTION_KEYS']).toMatch(/^k1:[A-Za-z0-9+/]{43}=$/);
      expect(statSync(first.file!).mode & 0o777).toBe(0o600);
      expect(readFileSync(first.file!, 'utf8')).toContain(first.env['WEBHOOKS_ADMIN_TOKEN']);
      expect(localSecrets(WEBHOOKS_SECRETS, { HERALD_HOME: home })).toEqual(first);
    });

    it('leaves values set in the environment alone', () => {
      const env = {
        HERALD_HOME: home,
        WEBHOOKS_ADMIN_TOKEN: 'x'.repeat(30),
        WEBHOOKS_ENCRYPTION_KEYS: 'k:abc',
      };
      expect(localSecrets(WEBHOOKS_SECRETS, env)).toEqual({ env: {}, file: undefined });
      const partly = localSecrets(WEBHOOKS_SECRETS, {
        HERALD_HOME: home,
        WEBHOOKS_ADMIN_TOKEN: 'y'.repeat(30),
      });
      expect(Object.keys(partly.env)).toEqual(['WEBHOOKS_ENCRYPTION_KEYS']);
    });
  });

  describe('for the schema registry', () => {
    it('generates a write token once into its own file, private to the user, and reuses it', () => {
      const first = registryWriteSecrets({ HERALD_HOME: home });
      expect(first.file).toBe(join(home, 'registry.env'));
      expect(first.env['REGISTRY_WRITE_TOKEN']).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(statSync(first.file!).mode & 0o777).toBe(0o600);
      expect(readFileSync(first.file!, 'utf8')).toBe(
        `REGISTRY_WRITE_TOKEN=${first.env['REGISTRY_WRITE_TOKEN']}\n`,
      );
      expect(registryWriteSecrets({ HERALD_HOME: home })).toEqual(first);
      // The webhooks' file is another set: generating one does not touch the other.
      const webhooks = localSecrets(WEBHOOKS_SECRETS, { HERALD_HOME: home });
      expect(webhooks.env['WEBHOOKS_ADMIN_TOKEN']).not.toBe(first.env['REGISTRY_WRITE_TOKEN']);
      expect(registryWriteSecrets({ HERALD_HOME: home })).toEqual(first);
    });

    it('adds nothing when the environment brings a token or explicitly opens writes', () => {
      expect(registryWriteSecrets({ HERALD_HOME: home, REGISTRY_WRITE_TOKEN: 'mine' })).toEqual({
        env: {},
        file: undefined,
      });
      expect(registryWriteSecrets({ HERALD_HOME: home, REGISTRY_WRITE_AUTH: 'none' })).toEqual({
        env: {},
        file: undefined,
      });
    });
  });
});
