import { z } from 'zod';
import { ConfigError, brokerList, loadConfig, logLevel, port, postgresUrl } from './config';

const schema = z.object({
  GATEWAY_PORT: port(8080),
  KAFKA_BROKERS: brokerList,
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
});

describe('loadConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    expect(loadConfig(schema, {})).toEqual({
      GATEWAY_PORT: 8080,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/herald',
      LOG_LEVEL: 'info',
    });
  });

  it('parses a broker list and a numeric port', () => {
    const config = loadConfig(schema, { GATEWAY_PORT: '9000', KAFKA_BROKERS: 'a:1, b:2' });
    expect(config.GATEWAY_PORT).toBe(9000);
    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('names every bad variable and the value it got', () => {
    let error: unknown;
    try {
      loadConfig(schema, { GATEWAY_PORT: 'eighty', KAFKA_BROKERS: 'localhost', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('GATEWAY_PORT: must be a TCP port number (1-65535) (got "eighty")');
    expect(message).toContain('KAFKA_BROKERS: must be a comma-separated list of host:port, got "localhost"');
    expect(message).toContain('LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent');
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('rejects a port out of range and a database URL without a database', () => {
    expect(() => loadConfig(schema, { GATEWAY_PORT: '70000' })).toThrow(/GATEWAY_PORT/);
    expect(() => loadConfig(schema, { DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: must be a postgres/,
    );
  });
});
