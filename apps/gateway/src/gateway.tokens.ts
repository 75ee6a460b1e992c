/**
 * Injection tokens for the gateway's outside dependencies, bound in GatewayModule.register (the
 * composition root). Classes are their own tokens; these name what has no class of its own or is
 * injected through an interface.
 */

/** The event type catalog loaded from SCHEMAS_DIR (`Catalog` from @app/schema). */
export const CATALOG = Symbol('CATALOG');
/** The schema registry client (`RegistryClient`). */
export const REGISTRY = Symbol('REGISTRY');
/** A kafkajs admin client, for topic partition counts. */
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
/** The Kafka producer adapter (`KafkaEventProducer`). */
export const EVENT_PRODUCER = Symbol('EVENT_PRODUCER');
/** The idempotency window's store (`PostgresIdempotencyStore`). */
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
