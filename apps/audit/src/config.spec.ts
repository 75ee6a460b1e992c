import { ConfigError, loadConfig, REFUSE_DEFAULT_GROUPS } from '@app/platform';
import { auditConfigSchema } from './config';

describe('audit config', () => {
  it('defaults to every event type on the audit group', () => {
    // The schema's defaults as a deployment gets them; loadConfig refuses the group in a test run.
    const config = auditConfigSchema.parse({});
    expect(config).toMatchObject({
      AUDIT_PORT: 8084,
      AUDIT_GROUP_ID: 'audit',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081',
      AUDIT_SESSION_TIMEOUT_MS: 30_000,
    });
    expect(config.AUDIT_TOPIC_PATTERN).toBeUndefined();
  });

  it('narrows the topics with a regular expression', () => {
    const config = loadConfig(auditConfigSchema, {
      AUDIT_GROUP_ID: 'audit-config-spec',
      AUDIT_TOPIC_PATTERN: '^payments\\.',
    });
    expect(config.AUDIT_TOPIC_PATTERN?.test('payments.payment.received')).toBe(true);
    expect(config.AUDIT_TOPIC_PATTERN?.test('orders.order.shipped')).toBe(false);
  });

  it('refuses a pattern that is not a regular expression, and names it', () => {
    expect(() => loadConfig(auditConfigSchema, { AUDIT_TOPIC_PATTERN: '(' })).toThrow(ConfigError);
    expect(() => loadConfig(auditConfigSchema, { AUDIT_TOPIC_PATTERN: '(' })).toThrow(
      /AUDIT_TOPIC_PATTERN: must be a regular expression/,
    );
  });

  it('refuses the default audit group in a test run (HERALD_REFUSE_DEFAULT_GROUPS)', () => {
    const testRun = { [REFUSE_DEFAULT_GROUPS]: '1' };
    expect(() => loadConfig(auditConfigSchema, testRun)).toThrow(/AUDIT_GROUP_ID: is "audit"/);
    expect(loadConfig(auditConfigSchema, { ...testRun, AUDIT_GROUP_ID: 'audit-t1' }).AUDIT_GROUP_ID).toBe(
      'audit-t1',
    );
  });

  it('refuses a session timeout below 3 s', () => {
    expect(() => loadConfig(auditConfigSchema, { AUDIT_SESSION_TIMEOUT_MS: '1000' })).toThrow(
      /AUDIT_SESSION_TIMEOUT_MS: must be at least 3000 ms/,
    );
  });
});
