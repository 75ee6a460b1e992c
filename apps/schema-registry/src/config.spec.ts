import { ConfigError, loadConfig, REFUSE_DEFAULT_GROUPS } from '@app/platform';
import { isLoopbackHost, schemaRegistryConfigSchema } from './config';

describe('schema registry config', () => {
  // A test run (HERALD_REFUSE_DEFAULT_GROUPS) must not use the production `_schemas` topic.
  const TOPIC = { REGISTRY_TOPIC: '_schemas-config-spec' };

  it('leaves write auth off by default on loopback and bounds store waits at 10 s', () => {
    const config = loadConfig(schemaRegistryConfigSchema, TOPIC);
    expect(config.REGISTRY_WRITE_TOKEN).toBeUndefined();
    expect(config.REGISTRY_BASIC_AUTH).toBeUndefined();
    expect(config.REGISTRY_STORE_TIMEOUT_MS).toBe(10_000);
  });

  it('reads the optional write credentials', () => {
    const config = loadConfig(schemaRegistryConfigSchema, {
      ...TOPIC,
      REGISTRY_WRITE_TOKEN: 'token',
      REGISTRY_BASIC_AUTH: 'admin:pa:ss',
    });
    expect(config).toMatchObject({ REGISTRY_WRITE_TOKEN: 'token', REGISTRY_BASIC_AUTH: 'admin:pa:ss' });
  });

  it('fails fast on credentials or timeouts it cannot use, naming the variable', () => {
    expect(() => loadConfig(schemaRegistryConfigSchema, { REGISTRY_BASIC_AUTH: 'no-colon' })).toThrow(
      /REGISTRY_BASIC_AUTH: must be user:password/,
    );
    expect(() => loadConfig(schemaRegistryConfigSchema, { REGISTRY_WRITE_TOKEN: '' })).toThrow(ConfigError);
    expect(() => loadConfig(schemaRegistryConfigSchema, { REGISTRY_STORE_TIMEOUT_MS: 'soon' })).toThrow(
      /REGISTRY_STORE_TIMEOUT_MS/,
    );
  });

  it('keeps every instance on `_schemas` by default, and refuses it in a test run', () => {
    expect(schemaRegistryConfigSchema.parse({}).REGISTRY_TOPIC).toBe('_schemas');
    expect(() => loadConfig(schemaRegistryConfigSchema, { [REFUSE_DEFAULT_GROUPS]: '1' })).toThrow(
      /REGISTRY_TOPIC: is "_schemas", the default every production instance shares/,
    );
  });

  describe('write auth beyond loopback', () => {
    const EXPOSED = { ...TOPIC, HOST: '0.0.0.0' };

    it('refuses to start without credentials, naming the variables that fix it', () => {
      let refusal: unknown;
      try {
        loadConfig(schemaRegistryConfigSchema, EXPOSED);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(ConfigError);
      const message = (refusal as ConfigError).message;
      expect(message).toContain('REGISTRY_WRITE_AUTH: HOST is 0.0.0.0, reachable beyond this machine');
      expect(message).toMatch(
        /set REGISTRY_WRITE_TOKEN .* or REGISTRY_BASIC_AUTH .* or REGISTRY_WRITE_AUTH=none/,
      );
    });

    it.each([
      { REGISTRY_WRITE_TOKEN: 'token' },
      { REGISTRY_BASIC_AUTH: 'admin:secret' },
      { REGISTRY_WRITE_AUTH: 'none' },
    ])('starts with %o', (auth) => {
      expect(loadConfig(schemaRegistryConfigSchema, { ...EXPOSED, ...auth })).toMatchObject(auth);
    });

    it('refuses a REGISTRY_WRITE_AUTH other than none, and none together with credentials', () => {
      expect(() =>
        loadConfig(schemaRegistryConfigSchema, { ...EXPOSED, REGISTRY_WRITE_AUTH: 'off' }),
      ).toThrow(/REGISTRY_WRITE_AUTH: must be none, or unset \(got "off"\)/);
      expect(() =>
        loadConfig(schemaRegistryConfigSchema, {
          ...TOPIC,
          REGISTRY_WRITE_AUTH: 'none',
          REGISTRY_WRITE_TOKEN: 'token',
        }),
      ).toThrow(/REGISTRY_WRITE_AUTH: is none, but REGISTRY_WRITE_TOKEN or REGISTRY_BASIC_AUTH is set too/);
    });

    it('counts only addresses of this machine as loopback', () => {
      const loopback = [
        '127.0.0.1',
        '127.8.9.10',
        'localhost',
        'LOCALHOST',
        '::1',
        '[::1]',
        '::ffff:127.0.0.1',
      ];
      const exposed = [
        '0.0.0.0',
        '::',
        '10.0.0.7',
        '192.168.1.20',
        'registry',
        'registry.internal',
        '::ffff:10.0.0.7',
      ];
      expect(loopback.filter((host) => !isLoopbackHost(host))).toEqual([]);
      expect(exposed.filter((host) => isLoopbackHost(host))).toEqual([]);
    });
  });
});
