/**
 * Which handler takes a topic's records, and which topics the consumer must subscribe to,
 * derived from the app's `@EventPattern` declarations:
 * - `@EventPattern('<event type>', { version: N })` takes that type's topic, resolved to
 *   reader version N (omit `version` to receive each record in its writer's schema);
 * - `@EventPattern('*')` takes every event-type topic that has no handler of its own and whose
 *   subject (`<topic>-value`) the app's schema registry knows, including topics created after
 *   start, always in the writer's schema. A topic without a subject in that registry is not one of
 *   this platform's event types: its records carry another registry's schema ids (a second
 *   platform, a test or a benchmark with a registry of its own sharing the cluster), which would
 *   decode against the wrong schemas and fill the dead-letter topics.
 * - `{ batch: true }` makes it a batch handler: it takes a HeraldBatch (a partition's decoded
 *   records, in order, with the position to store beside its state) instead of one event.
 * Herald delivers a record to exactly one handler: two handlers for one pattern is a boot error.
 */
import type { MessageHandler } from '@nestjs/microservices';
import { nestCall, type HandlerCall } from './handler-call';

/** Herald's event-type (= topic) names: `<domain>.<entity>.<past-tense-verb>`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2}$/;
export const EVERY_EVENT = '*';

export interface HandlerRoute {
  readonly pattern: string;
  readonly handler: MessageHandler;
  /** How the runtime calls the handler: directly, or through Nest's pipeline (handler-call.ts). */
  readonly call: HandlerCall;
  /** The reader version the handler was written against; undefined = the writer's schema. */
  readonly version: number | undefined;
  /** True: the handler takes a HeraldBatch of records; false: one event at a time. */
  readonly batch: boolean;
}

export class HandlerConfigError extends Error {
  override name = 'HandlerConfigError';
}

function readerVersion(pattern: string, extras: Record<string, unknown> | undefined): number | undefined {
  const version = extras?.['version'];
  if (version === undefined) return undefined;
  if (pattern === EVERY_EVENT) {
    throw new HandlerConfigError(
      `@EventPattern('*') receives every type in its writer schema; drop { version }`,
    );
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new HandlerConfigError(`@EventPattern('${pattern}'): version must be a positive integer`);
  }
  return version;
}

export type HandlerCallFactory = (pattern: string, handler: MessageHandler) => HandlerCall;

function routeOf(pattern: string, handler: MessageHandler, callOf: HandlerCallFactory): HandlerRoute {
  if (!handler.isEventHandler) {
    throw new HandlerConfigError(
      `@MessagePattern('${pattern}'): Herald events have no reply; use @EventPattern`,
    );
  }
  if (pattern !== EVERY_EVENT && !EVENT_TYPE_PATTERN.test(pattern)) {
    throw new HandlerConfigError(
      `@EventPattern('${pattern}') is neither '*' nor an event type such as 'payments.payment.received'`,
    );
  }
  if (handler.next) {
    throw new HandlerConfigError(
      `@EventPattern('${pattern}') is declared twice; Herald delivers each event to one handler`,
    );
  }
  const version = readerVersion(pattern, handler.extras);
  const batch: unknown = handler.extras?.['batch'] ?? false;
  if (typeof batch !== 'boolean') {
    throw new HandlerConfigError(`@EventPattern('${pattern}'): batch must be true or false`);
  }
  return { pattern, handler, version, batch, call: callOf(pattern, handler) };
}

export class HandlerTable {
  private readonly exact = new Map<string, HandlerRoute>();
  private readonly everyEvent: HandlerRoute | undefined;

  /** `everyEventTopics` narrows what '*' takes (e.g. one domain); default: every event-type topic. */
  constructor(
    handlers: ReadonlyMap<string, MessageHandler>,
    private readonly everyEventTopics: RegExp = EVENT_TYPE_PATTERN,
    callOf: HandlerCallFactory = (_pattern, handler) => nestCall(handler),
  ) {
    let everyEvent: HandlerRoute | undefined;
    for (const [pattern, handler] of handlers) {
      const route = routeOf(pattern, handler, callOf);
      if (pattern === EVERY_EVENT) everyEvent = route;
      else this.exact.set(pattern, route);
    }
    this.everyEvent = everyEvent;
    if (this.exact.size === 0 && everyEvent === undefined) {
      throw new HandlerConfigError('no @EventPattern handler is declared: the consumer would read nothing');
    }
  }

  get takesEveryEvent(): boolean {
    return this.everyEvent !== undefined;
  }

  /** Handlers pinned to a reader version, to resolve their schemas at boot. */
  pinned(): HandlerRoute[] {
    return [...this.exact.values()].filter((r) => r.version !== undefined);
  }

  /** The route of a topic's records (one topic per event type), or undefined. */
  route(topic: string): HandlerRoute | undefined {
    const exact = this.exact.get(topic);
    if (exact !== undefined || this.everyEvent === undefined) return exact;
    return EVENT_TYPE_PATTERN.test(topic) && this.everyEventTopics.test(topic) ? this.everyEvent : undefined;
  }

  /**
   * Of the topics that exist, those this consumer reads: its declared ones, and for '*' those
   * whose subject is in `registered` (every event-type topic when the subjects are not known).
   */
  topicsToRead(existing: readonly string[], registered?: ReadonlySet<string>): string[] {
    return existing
      .filter(
        (topic) =>
          this.exact.has(topic) ||
          (this.route(topic) !== undefined && (registered === undefined || registered.has(`${topic}-value`))),
      )
      .sort();
  }

  /** Declared topics that do not exist yet (subscribed as soon as they appear). */
  missing(existing: readonly string[]): string[] {
    const present = new Set(existing);
    return [...this.exact.keys()].filter((topic) => !present.has(topic));
  }
}
