/**
 * The registry's Prometheus metrics, in the app's own registry: whether this instance is the
 * one writing `_schemas`, how far it has applied that log, and what registrations and lookups
 * it served (the RegistryObserver the use cases report to).
 */
import { Counter, Gauge } from 'prom-client';
import type { MetricsService } from '@app/platform';
import type {
  LookupKind,
  LookupOutcome,
  RegistrationOutcome,
  RegistryLeadership,
  RegistryObserver,
} from './registry';
import type { SchemaLog } from './registry/schema-log.port';

export interface RegistryMetricsSources {
  readonly leadership: RegistryLeadership;
  readonly log: SchemaLog;
  /** The `_schemas` topic this instance reads (REGISTRY_TOPIC). */
  readonly topic: string;
}

/** The leadership port throws while no leader is known: this instance does not lead then either. */
function leads(leadership: RegistryLeadership): boolean {
  try {
    return leadership.leaderUrl() === undefined;
  } catch {
    return false;
  }
}

export class RegistryMetrics implements RegistryObserver {
  private readonly registrations: Counter<'outcome'>;
  private readonly lookups: Counter<'kind' | 'outcome'>;

  constructor(metrics: MetricsService, sources: RegistryMetricsSources) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'herald_registry_leader',
      help: '1 while this instance is the one that writes _schemas (others forward writes to it), else 0',
      registers,
      collect() {
        this.set(leads(sources.leadership) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'herald_registry_applied_offset',
      help: 'Highest offset of the _schemas topic applied to this instance (-1 before the first record)',
      labelNames: ['topic'],
      registers,
      collect() {
        this.set({ topic: sources.topic }, Number(sources.log.appliedOffset));
      },
    });
    this.registrations = new Counter({
      name: 'herald_registry_registrations_total',
      help: 'Schema registrations served by this instance, by outcome (registered, existing, incompatible, rejected, failed)',
      labelNames: ['outcome'],
      registers,
    });
    this.lookups = new Counter({
      name: 'herald_registry_lookups_total',
      help: 'Lookups of a schema by id, of a subject version, or of a schema under a subject, by outcome',
      labelNames: ['kind', 'outcome'],
      registers,
    });
  }

  registration(outcome: RegistrationOutcome): void {
    this.registrations.inc({ outcome });
  }

  lookup(kind: LookupKind, outcome: LookupOutcome): void {
    this.lookups.inc({ kind, outcome });
  }
}
