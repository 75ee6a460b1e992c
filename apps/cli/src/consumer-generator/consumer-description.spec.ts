import { describeConsumer, GeneratorUsageError, lib } from './consumer-description';

describe('herald new consumer: names', () => {
  const request = { name: 'fraud-check', eventType: 'payments.payment.received', version: 2, port: 8090 };

  it('derives class, env and handler names, and the @app/events payload type when it exists', () => {
    expect(describeConsumer(request, new Set(['PaymentReceivedV2']))).toMatchObject({
      className: 'FraudCheck',
      camelName: 'fraudCheck',
      envPrefix: 'FRAUD_CHECK',
      payloadType: 'PaymentReceivedV2',
      handlerMethod: 'onPaymentReceived',
      payloadTypeExists: true,
    });
    expect(describeConsumer({ ...request, eventType: 'users.user.email_changed' }, new Set())).toMatchObject({
      payloadType: 'UserEmailChangedV2',
      payloadTypeExists: false,
    });
    expect(lib('kafka')).toBe('@app/kafka');
  });

  it('refuses names that cannot be a folder, a project and a consumer group', () => {
    for (const bad of [
      { ...request, name: 'FraudCheck' },
      { ...request, name: 'fraud_check' },
      { ...request, eventType: 'payments' },
      { ...request, version: 0 },
    ]) {
      expect(() => describeConsumer(bad, new Set())).toThrow(GeneratorUsageError);
    }
  });
});
