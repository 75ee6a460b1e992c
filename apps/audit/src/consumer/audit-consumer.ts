/**
 * The audit app's consumer settings: the `audit` group (AUDIT_GROUP_ID), decoding through the
 * schema registry, positions from the audit schema, metrics in the app's registry. main.ts attaches it with
 * connectHeraldConsumer, which also adds the consumer to readiness.
 */
import type { ConsumerPositionStore, HeraldConsumerOptions } from '@app/kafka';
import { kafkaConnection, registryConnection } from '@app/platform';
import { RegistryClient } from '@app/registry-client';
import type { Registry } from 'prom-client';
import type { AuditConfig } from '../config';

export function auditConsumerOptions(
  config: AuditConfig,
  metrics: Registry,
  positions: ConsumerPositionStore,
): HeraldConsumerOptions {
  return {
    ...kafkaConnection(config),
    groupId: config.AUDIT_GROUP_ID,
    clientId: 'herald-audit',
    schemaSource: new RegistryClient(registryConnection(config)),
    metrics,
    // The position stored with the rows is the truth; the group's offsets are only a hint.
    positions,
    // The audit maps the writer's avsc value to JSON itself (AuditRecorder), whatever the runtime's default.
    payload: 'avro',
    ...(config.AUDIT_TOPIC_PATTERN === undefined ? {} : { everyEventTopics: config.AUDIT_TOPIC_PATTERN }),
    sessionTimeoutMs: config.AUDIT_SESSION_TIMEOUT_MS,
    // Kafka's advice: heartbeat at most a third of the session timeout.
    heartbeatIntervalMs: Math.min(3_000, Math.floor(config.AUDIT_SESSION_TIMEOUT_MS / 3)),
  };
}
