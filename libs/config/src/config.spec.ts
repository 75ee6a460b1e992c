import { z } from 'zod';
import {
  ConfigError,
  REFUSE_DEFAULT_GROUPS,
  brokerList,
  consumerGroupId,
  loadConfig,
  logLevel,
  port,
  postgresUrl,
  refusesDefaultGroups,
  sharedGroupName,
  type Env,
} from './config';

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

describe('default consumer groups under HERALD_REFUSE_DEFAULT_GROUPS', () => {
  const app = z.object({
    AUDIT_GROUP_ID: consumerGroupId('audit'),
    REGISTRY_TOPIC: sharedGroupName(z.string().regex(/^[a-z_]+$/, 'must be a topic name'), '_schemas'),
    LOG_LEVEL: logLevel,
  });
  const flagInProcess = process.env[REFUSE_DEFAULT_GROUPS];

  // The Jest global setup sets the flag for the whole run; each case here chooses its own.
  beforeEach(() => delete process.env[REFUSE_DEFAULT_GROUPS]);
  afterAll(() => {
    if (flagInProcess === undefined) delete process.env[REFUSE_DEFAULT_GROUPS];
    else process.env[REFUSE_DEFAULT_GROUPS] = flagInProcess;
  });

  const problemsOf = (env: Env): readonly string[] => {
    try {
      loadConfig(app, env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it('uses the defaults when the flag is not set', () => {
    expect(loadConfig(app, {})).toMatchObject({ AUDIT_GROUP_ID: 'audit', REGISTRY_TOPIC: '_schemas' });
    expect(loadConfig(app, { [REFUSE_DEFAULT_GROUPS]: '0' }).AUDIT_GROUP_ID).toBe('audit');
  });

  it('refuses every default group name with the flag, naming the variable and the flag', () => {
    const problems = problemsOf({ [REFUSE_DEFAULT_GROUPS]: '1' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^AUDIT_GROUP_ID: is "audit", the default every production instance shares/);
    expect(problems[0]).toContain('HERALD_REFUSE_DEFAULT_GROUPS is set');
    expect(problems[1]).toMatch(/^REGISTRY_TOPIC: is "_schemas"/);
    const piped = app.transform((config) => ({ ...config, derived: true }));
    expect(() => loadConfig(piped, { [REFUSE_DEFAULT_GROUPS]: '1' })).toThrow(/AUDIT_GROUP_ID: is "audit"/);
  });

  it('refuses the default set explicitly too: it is the production group all the same', () => {
    expect(
      problemsOf({ [REFUSE_DEFAULT_GROUPS]: 'true', AUDIT_GROUP_ID: 'audit', REGISTRY_TOPIC: 'x' }),
    ).toEqual([expect.stringMatching(/^AUDIT_GROUP_ID: /)]);
  });

  it('accepts names of the test’s own', () => {
    const config = loadConfig(app, {
      [REFUSE_DEFAULT_GROUPS]: '1',
      AUDIT_GROUP_ID: 'audit-1x',
      REGISTRY_TOPIC: 'a_b',
    });
    expect(config).toMatchObject({ AUDIT_GROUP_ID: 'audit-1x', REGISTRY_TOPIC: 'a_b' });
  });

  it('takes the flag from the process too, for apps a test boots in-process with a literal env', () => {
    process.env[REFUSE_DEFAULT_GROUPS] = '1';
    expect(refusesDefaultGroups({})).toBe(true);
    expect(() => loadConfig(app, { LOG_LEVEL: 'silent' })).toThrow(/AUDIT_GROUP_ID: is "audit"/);
  });

  it('keeps the field’s own validation', () => {
    expect(problemsOf({ AUDIT_GROUP_ID: '', REGISTRY_TOPIC: 'Not A Topic' })).toEqual([
      'AUDIT_GROUP_ID: must not be empty (got "")',
      'REGISTRY_TOPIC: must be a topic name (got "Not A Topic")',
    ]);
  });
});
