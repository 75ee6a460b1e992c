import { isTransientKafkaError } from './kafka-client';

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
