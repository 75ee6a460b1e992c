/**
 * Background duties of a gateway instance: connect the Kafka producer and admin (retrying,
 * so the gateway boots while Kafka is still starting and answers 503 meanwhile), prune the
 * idempotency window every minute, and disconnect cleanly after the HTTP server has drained.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import type { KafkaEventProducer } from './kafka/kafka-event.producer';
import type { PostgresIdempotencyStore } from './storage/postgres-idempotency.store';
import { EVENT_PRODUCER, IDEMPOTENCY_STORE, KAFKA_ADMIN } from './gateway.tokens';

const RECONNECT_MS = 2_000;
const PRUNE_MS = 60_000;

@Injectable()
export class GatewayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Gateway');
  private stopped = false;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(
    @Inject(EVENT_PRODUCER) private readonly producer: KafkaEventProducer,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: PostgresIdempotencyStore,
  ) {}

  onApplicationBootstrap(): void {
    this.connect('producer', () => this.producer.connect());
    this.connect('admin', () => this.admin.connect());
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_MS);
    this.pruneTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pruneTimer);
    this.pending.forEach(clearTimeout);
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    // Answers are stored just after they are given, and a send Kafka acknowledged late stores
    // its answer when the producer learns of it: let all of them land (this hook runs before
    // the database module's, which closes the pool).
    await this.idempotency.settle();
  }

  private connect(what: string, attempt: () => Promise<void>): void {
    attempt().catch((error: unknown) => {
      if (this.stopped) return;
      this.logger.warn(`Kafka ${what} cannot connect yet (${(error as Error).message}); retrying`);
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        this.connect(what, attempt);
      }, RECONNECT_MS);
      this.pending.add(timer);
    });
  }

  private async prune(): Promise<void> {
    try {
      const removed = await this.idempotency.prune();
      if (removed > 0) this.logger.log(`pruned ${removed} event ids past the dedupe window`);
    } catch (error) {
      this.logger.warn(`pruning the dedupe window failed: ${(error as Error).message}`);
    }
  }
}
