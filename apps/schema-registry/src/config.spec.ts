import { ConfigError, loadConfig } from '@app/platform';
import { schemaRegistryConfigSchema } from './config';

describe('schema registry config', () => {
  it('leaves write auth off by default and bounds store waits at 10 s', () => {
    const config = loadConfig(schemaRegistryConfigSchema, {});
    expect(config.REGISTRY_WRITE_TOKEN).toBeUndefined();
    expect(config.REGISTRY_BASIC_AUTH).toBeUndefined();
    expect(config.REGISTRY_STORE_TIMEOUT_MS).toBe(10_000);
  });

  it('reads the optional write credentials', () => {
    const config = loadConfig(schemaRegistryConfigSchema, {
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
});
