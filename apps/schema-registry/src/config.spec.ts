import { ConfigError, loadConfig, REFUSE_DEFAULT_GROUPS } from '@app/platform';
import { schemaRegistryConfigSchema } from './config';

describe('schema registry config', () => {
  // A test run (HERALD_REFUSE_DEFAULT_GROUPS) must not use the production `_schemas` topic.
  const TOPIC = { REGISTRY_TOPIC: '_schemas-config-spec' };

  it('leaves write auth off by default and bounds store waits at 10 s', () => {
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
});
