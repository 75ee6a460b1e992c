import { ConfigError, loadConfig } from '@app/platform';
import { auditConfigSchema } from './config';

describe('audit config', () => {
  it('defaults to every event type on the audit group', () => {
    const config = loadConfig(auditConfigSchema, {});
    expect(config).toMatchObject({
      AUDIT_PORT: 8084,
      AUDIT_GROUP_ID: 'audit',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081',
      AUDIT_SESSION_TIMEOUT_MS: 30_000,
    });
    expect(config.AUDIT_TOPIC_PATTERN).toBeUndefined();
  });

  it('narrows the topics with a regular expression', () => {
    const config = loadConfig(auditConfigSchema, { AUDIT_TOPIC_PATTERN: '^payments\\.' });
    expect(config.AUDIT_TOPIC_PATTERN?.test('payments.payment.received')).toBe(true);
    expect(config.AUDIT_TOPIC_PATTERN?.test('orders.order.shipped')).toBe(false);
  });

  it('refuses a pattern that is not a regular expression, and names it', () => {
    expect(() => loadConfig(auditConfigSchema, { AUDIT_TOPIC_PATTERN: '(' })).toThrow(ConfigError);
    expect(() => loadConfig(auditConfigSchema, { AUDIT_TOPIC_PATTERN: '(' })).toThrow(
      /AUDIT_TOPIC_PATTERN: must be a regular expression/,
    );
  });

  it('refuses a session timeout below 3 s', () => {
    expect(() => loadConfig(auditConfigSchema, { AUDIT_SESSION_TIMEOUT_MS: '1000' })).toThrow(
      /AUDIT_SESSION_TIMEOUT_MS: must be at least 3000 ms/,
    );
  });
});
