/** The gateway's Prometheus metrics, registered in the app's own registry. */
import { Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricsService } from '@app/platform';
import type { PublishObserver } from './domain/event-publisher';
import type { ProduceObserver } from './kafka/queued-event.producer';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class GatewayMetrics implements PublishObserver, ProduceObserver {
  readonly requests: Counter<'endpoint'>;
  readonly publishLatency: Histogram<'endpoint'>;
  readonly inFlight: Gauge;
  private readonly acceptedEvents: Counter<'type'>;
  private readonly rejectedEvents: Counter<'reason'>;
  private readonly produceLatency: Histogram;
  private readonly producedRecords: Counter;
  private readonly queued: Gauge;
  private readonly unstoredAnswers: Counter;
  private readonly logger = new Logger('Gateway');

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.requests = new Counter({
      name: 'herald_gateway_requests_total',
      help: 'Publish requests by endpoint',
      labelNames: ['endpoint'],
      registers,
    });
    this.acceptedEvents = new Counter({
      name: 'herald_gateway_events_accepted_total',
      help: 'Events written to Kafka and acknowledged',
      labelNames: ['type'],
      registers,
    });
    this.rejectedEvents = new Counter({
      name: 'herald_gateway_events_rejected_total',
      help: 'Events refused, by reason (problem type)',
      labelNames: ['reason'],
      registers,
    });
    this.publishLatency = new Histogram({
      name: 'herald_gateway_publish_duration_seconds',
      help: 'Request received to answer sent, publish endpoints',
      labelNames: ['endpoint'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.produceLatency = new Histogram({
      name: 'herald_gateway_kafka_produce_duration_seconds',
      help: 'One Kafka produce request (shared by concurrent requests) until acks=all',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.producedRecords = new Counter({
      name: 'herald_gateway_kafka_records_produced_total',
      help: 'Records acknowledged by Kafka',
      registers,
    });
    this.unstoredAnswers = new Counter({
      name: 'herald_gateway_answers_not_stored_total',
      help: 'Acknowledged events whose answer could not be stored in the idempotency window',
      registers,
    });
    this.inFlight = new Gauge({
      name: 'herald_gateway_requests_in_flight',
      help: 'Publish requests being processed',
      registers,
    });
    this.queued = new Gauge({
      name: 'herald_gateway_kafka_queue_records',
      help: 'Records waiting for the next produce request',
      registers,
    });
  }

  accepted(type: string, count: number): void {
    this.acceptedEvents.inc({ type }, count);
  }

  rejected(reason: string, count: number): void {
    this.rejectedEvents.inc({ reason }, count);
  }

  answerNotStored(count: number, error: unknown): void {
    this.unstoredAnswers.inc(count);
    this.logger.warn(
      `${count} acknowledged event(s) answered 2xx, but their answer was not stored for deduplication: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  produced(records: number, seconds: number): void {
    this.producedRecords.inc(records);
    this.produceLatency.observe(seconds);
  }

  queueDepth(records: number): void {
    this.queued.set(records);
  }
}
