import { isTransientKafkaError, permanentKafkaConnectError, redactedLogFields } from './kafka-client';

describe('kafkajs log levels', () => {
  it('recognises protocol errors kafkajs retries by itself', () => {
    expect(
      isTransientKafkaError(
        '[Connection] Response GroupCoordinator(key: 10, version: 2)',
        'The group coordinator is not available',
      ),
    ).toBe(true);
    expect(
      isTransientKafkaError(
        '[Connection] Response FindCoordinator',
        "The coordinator is loading and hence can't process requests",
      ),
    ).toBe(true);
    expect(isTransientKafkaError('[Runner] The group is rebalancing, re-joining', undefined)).toBe(true);
    expect(
      isTransientKafkaError(
        '[Connection] Response Metadata',
        'There is no leader for this topic-partition as we are in the middle of a leadership election',
      ),
    ).toBe(true);
  });

  it('keeps real failures at ERROR', () => {
    expect(
      isTransientKafkaError('[Connection] Response SaslAuthenticate', 'SASL authentication failed'),
    ).toBe(false);
    expect(isTransientKafkaError('Crash: KafkaJSNumberOfRetriesExceeded', 'Connection refused')).toBe(false);
  });
});

describe('connect errors retrying cannot fix', () => {
  const connection = {
    brokers: ['127.0.0.1:9093'],
    ssl: { rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512' as const, username: 'herald', password: 'hunter2' },
  };
  const kafkaError = (name: string, message: string, code?: string): Error =>
    Object.assign(new Error(message), { name, ...(code !== undefined && { code }) });

  it('names refused SASL credentials and the variables to check, never the password', () => {
    const message = permanentKafkaConnectError(
      kafkaError(
        'KafkaJSSASLAuthenticationError',
        'SASL SCRAM SHA512 authentication failed: invalid credentials',
      ),
      connection,
    );
    expect(message).toContain(
      'Kafka at 127.0.0.1:9093 (SASL_SSL SCRAM-SHA-512 user herald) refused the SASL credentials',
    );
    expect(message).toContain('KAFKA_SASL_PASSWORD');
    expect(message).not.toContain('hunter2');
  });

  it('names an untrusted certificate and points at KAFKA_SSL_CA_FILE', () => {
    const message = permanentKafkaConnectError(
      kafkaError(
        'KafkaJSConnectionError',
        'Connection error: self-signed certificate in certificate chain',
        'SELF_SIGNED_CERT_IN_CHAIN',
      ),
      connection,
    );
    expect(message).toContain('the broker certificate is signed by a CA this client does not trust');
    expect(message).toContain('set KAFKA_SSL_CA_FILE');
  });

  it('leaves errors that can pass to the retries', () => {
    expect(
      permanentKafkaConnectError(kafkaError('KafkaJSConnectionError', 'Connection timeout'), connection),
    ).toBeUndefined();
    expect(
      permanentKafkaConnectError(
        kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED', 'ECONNREFUSED'),
        connection,
      ),
    ).toBeUndefined();
  });
});

describe('kafkajs log fields', () => {
  it('keeps ordinary fields and hides anything that looks like a credential', () => {
    const line = redactedLogFields({
      broker: '127.0.0.1:9093',
      clientId: 'herald-audit',
      sasl: { mechanism: 'plain', username: 'u', password: 'hunter2' },
      nested: { password: 'hunter3', token: 'tok' },
    });
    expect(JSON.parse(line)).toEqual({
      broker: '127.0.0.1:9093',
      clientId: 'herald-audit',
      sasl: '[redacted]',
      nested: { password: '[redacted]', token: '[redacted]' },
    });
  });
});
