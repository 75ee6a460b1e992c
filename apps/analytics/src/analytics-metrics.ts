/** What the analytics app counts in its Prometheus registry: events counted, and ids seen before. */
import { Counter, type Registry } from 'prom-client';
import type { IngestObserver } from './domain/analytics-ingest';

export class AnalyticsMetricsObserver implements IngestObserver {
  private readonly countedTotal: Counter;
  private readonly duplicates: Counter;

  constructor(registry: Registry) {
    this.countedTotal = new Counter({
      name: 'herald_analytics_events_counted_total',
      help: 'Events counted (each event id once)',
      registers: [registry],
    });
    this.duplicates = new Counter({
      name: 'herald_analytics_duplicates_ignored_total',
      help: 'Records not counted because their event id was counted already (a replayed dead letter, a republished event)',
      registers: [registry],
    });
  }

  counted(_type: string, fresh: number, duplicates: number): void {
    this.countedTotal.inc(fresh);
    if (duplicates > 0) this.duplicates.inc(duplicates);
  }
}
