/**
 * The fan-out use case: for each consumed event, the enabled endpoints that take it (type
 * pattern, tenant) each get one delivery. The events of a partition's batch, their deliveries and
 * the partition's next offset are stored in one transaction (FanOutStore), so a crash at any point
 * neither loses nor doubles a delivery, and commits made on the group by anyone else cannot make
 * the fan-out skip or repeat events (the consumer resumes from the stored position).
 */
import { endpointTakes, type Endpoint } from './endpoint';
import type { EndpointDirectory } from './ports';

/** One consumed event, as the fan-out needs it. */
export interface FanOutEvent {
  readonly eventId: string;
  readonly type: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly time: string;
  readonly source: string;
  readonly subject: string | null;
  readonly traceparent: string | null;
  /** The tenant the event belongs to (event.yaml `tenant:` field of its data), null when it has none. */
  readonly tenant: string | null;
  /** The record value as written: Confluent wire format, resolved to each endpoint's version at delivery. */
  readonly value: Buffer;
}

export interface FanOutPosition {
  readonly topic: string;
  readonly partition: number;
  readonly previousOffset: string | undefined;
  readonly nextOffset: string;
}

export interface FannedOut {
  readonly event: FanOutEvent;
  readonly endpointIds: readonly string[];
}

export const FAN_OUT_STORE = Symbol('FAN_OUT_STORE');

export interface FanOutStore {
  /** Stores the events that have endpoints, one delivery per (event, endpoint), and the position; one transaction. */
  store(fannedOut: readonly FannedOut[], position: FanOutPosition): Promise<void>;
}

export interface FanOutObserver {
  fannedOut(events: number, deliveries: number): void;
}

export class FanOut {
  constructor(
    private readonly endpoints: EndpointDirectory,
    private readonly store: FanOutStore,
    private readonly observer: FanOutObserver = { fannedOut: () => undefined },
  ) {}

  async handle(events: readonly FanOutEvent[], position: FanOutPosition): Promise<void> {
    const endpoints = await this.endpoints.enabledEndpoints();
    const fannedOut: FannedOut[] = [];
    let deliveries = 0;
    for (const event of events) {
      const endpointIds = matching(endpoints, event);
      if (endpointIds.length === 0) continue;
      fannedOut.push({ event, endpointIds });
      deliveries += endpointIds.length;
    }
    await this.store.store(fannedOut, position);
    this.observer.fannedOut(events.length, deliveries);
  }
}

function matching(endpoints: readonly Endpoint[], event: FanOutEvent): string[] {
  const ids: string[] = [];
  for (const endpoint of endpoints) {
    if (endpointTakes(endpoint, event.type, event.tenant)) ids.push(endpoint.id);
  }
  return ids;
}
