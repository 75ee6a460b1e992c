/**
 * The CLI's kafkajs client for tail and replay: `--brokers`, else KAFKA_BROKERS, else the local
 * Kafka's address; TLS and SASL from KAFKA_SSL* / KAFKA_SASL_*; quiet, with short timeouts so an unreachable cluster is reported quickly.
 * Loaded lazily by the commands (kafkajs and @app/kafka cost about a second at start-up).
 */
import { logLevel, type Kafka } from 'kafkajs';
import { createKafka } from '@app/kafka';
import { cliConfig, cliKafkaSecurity } from '../cli-config';

export const DEFAULT_BROKERS: readonly string[] = ['127.0.0.1:9092'];

export function cliKafka(brokers: readonly string[] | undefined, clientId: string): Kafka {
  const resolved = brokers ?? cliConfig().KAFKA_BROKERS ?? DEFAULT_BROKERS;
  return createKafka(
    { brokers: resolved, clientId, ...cliKafkaSecurity() },
    { logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 3 } },
  );
}
