/**
 * What the audit app counts in its Prometheus registry: events stored and duplicates ignored
 * (by reason). A duplicate id at new coordinates is also logged, because it means a producer
 * published one id twice: the audit keeps the first and the operator should know.
 */
import { Logger } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { coordinatesOf, type AuditEvent } from './domain/audit-event';
import type { AuditObserver } from './domain/audit-recorder';
import type { AppendOutcome } from './domain/audit-store.port';

export class AuditMetricsObserver implements AuditObserver {
  private readonly logger = new Logger('Audit');
  private readonly stored: Counter;
  private readonly duplicates: Counter<'reason'>;

  constructor(registry: Registry) {
    this.stored = new Counter({
      name: 'herald_audit_events_stored_total',
      help: 'Events written to the audit trail',
      registers: [registry],
    });
    this.duplicates = new Counter({
      name: 'herald_audit_duplicates_ignored_total',
      help: 'Deliveries not stored because their coordinates (redelivery) or event id (republished) were already stored',
      labelNames: ['reason'],
      registers: [registry],
    });
  }

  recorded(event: AuditEvent, outcome: AppendOutcome): void {
    if (outcome.status === 'stored') {
      this.stored.inc();
      return;
    }
    this.duplicates.inc({ reason: outcome.reason });
    if (outcome.reason === 'event-id') {
      this.logger.warn(
        `event ${event.eventId} at ${coordinatesOf(event)} not stored: the same id is stored from ${coordinatesOf(outcome.original)}`,
      );
    }
  }
}
