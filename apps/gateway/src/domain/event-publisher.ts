/**
 * The publish use case: prepare events, claim their ids in the idempotency window, send the
 * new ones to Kafka, and answer only after Kafka acknowledged them. A duplicate (same id,
 * same content) gets the original answer and writes nothing; the same id with other content
 * is a conflict. Claims are released when a send fails, so the client's retry can publish.
 * Ids the gateway generates skip the claim: no other request can know them before the answer
 * does, so recording the answer after the ack is enough, in one write (AnswerWriter).
 */
import type { AnswerObserver, AnswerWriter } from './answer-writer';
import type { EventPreparer, PreparedEvent, Publisher } from './event-preparer';
import { GatewayError, type Violation } from './gateway-errors';
import {
  UnacknowledgedSendError,
  type AcceptedEvent,
  type ClaimOutcome,
  type EventProducer,
  type IdempotencyStore,
  type RecordCoordinates,
} from './ports';
import type { PublishRequest } from './publish-request';

export interface PublishResult extends AcceptedEvent {
  readonly duplicate: boolean;
}

export type BatchItemResult =
  | { readonly status: 'accepted'; readonly result: PublishResult }
  | { readonly status: 'rejected'; readonly id?: string; readonly error: GatewayError };

/** One batch entry: a valid envelope, or its envelope violations. */
export type BatchEntry = PublishRequest | Violation[];

export interface PublishObserver extends AnswerObserver {
  accepted(type: string, count: number): void;
  rejected(reason: string, count: number): void;
}

export class EventPublisher {
  constructor(
    private readonly preparer: EventPreparer,
    private readonly producer: EventProducer,
    private readonly idempotency: IdempotencyStore,
    private readonly observer: PublishObserver,
    private readonly answers: AnswerWriter,
  ) {}

  async publishOne(request: PublishRequest, publisher: Publisher): Promise<PublishResult> {
    try {
      const event = await this.preparer.prepare(request, publisher);
      const [outcome] = await this.claim([event]);
      const [result] = await this.sendClaimed([event], [outcome!], false);
      return result!;
    } catch (error) {
      this.observer.rejected(error instanceof GatewayError ? error.kind : 'internal', 1);
      throw error;
    }
  }

  /** Non-atomic: each entry is accepted or rejected on its own; results in input order. */
  async publishBatch(entries: readonly BatchEntry[], publisher: Publisher): Promise<BatchItemResult[]> {
    const prepared = await Promise.all(entries.map((entry, i) => this.prepareEntry(entry, publisher, i)));
    const rejected = markRepeatedIds(prepared);
    const events = prepared.filter((p): p is PreparedEvent => !(p instanceof GatewayError));
    const outcomes = await this.claim(events);
    const claimErrors = new Map<PreparedEvent, GatewayError>();
    const sendable: PreparedEvent[] = [];
    const sendableOutcomes: Claim[] = [];
    events.forEach((event, i) => {
      const outcome = outcomes[i]!;
      const error = claimError(outcome, event);
      if (error) claimErrors.set(event, error);
      else {
        sendable.push(event);
        sendableOutcomes.push(outcome);
      }
    });
    const sent = await this.sendClaimed(sendable, sendableOutcomes, false);
    const byEvent = new Map(sendable.map((event, i) => [event, sent[i]!]));
    const results = prepared.map((p, i): BatchItemResult => {
      if (p instanceof GatewayError) {
        // Echo the client's id when it sent one, as for conflicts, so results can be matched by id.
        const entry = entries[i];
        const id = rejected.get(p) ?? (entry && !Array.isArray(entry) ? entry.id : undefined);
        return { status: 'rejected', error: p, id };
      }
      const error = claimErrors.get(p);
      return error
        ? { status: 'rejected', id: p.id, error }
        : { status: 'accepted', result: byEvent.get(p)! };
    });
    const failures = results.filter((r) => r.status === 'rejected');
    failures.forEach((r) => this.observer.rejected(r.status === 'rejected' ? r.error.kind : '', 1));
    return results;
  }

  /** All or nothing: any invalid entry rejects the batch, and new events go in one transaction. */
  async publishAtomic(entries: readonly BatchEntry[], publisher: Publisher): Promise<PublishResult[]> {
    try {
      const prepared = await Promise.all(entries.map((entry, i) => this.prepareEntry(entry, publisher, i)));
      markRepeatedIds(prepared);
      const failed = prepared.filter((p): p is GatewayError => p instanceof GatewayError);
      if (failed.length > 0) throw combine(failed);
      const events = prepared as PreparedEvent[];
      const outcomes = await this.claim(events);
      const conflict = outcomes.map((o, i) => claimError(o, events[i]!)).find((e) => e !== undefined);
      if (conflict) {
        await this.releaseClaimed(events, outcomes);
        throw conflict;
      }
      return await this.sendClaimed(events, outcomes, true);
    } catch (error) {
      this.observer.rejected(error instanceof GatewayError ? error.kind : 'internal', entries.length);
      throw error;
    }
  }

  private async prepareEntry(
    entry: BatchEntry,
    publisher: Publisher,
    index: number,
  ): Promise<PreparedEvent | GatewayError> {
    const prefix = `/events/${index}`;
    if (Array.isArray(entry)) return GatewayError.malformed(`event ${index}: the envelope is invalid`, entry);
    try {
      return await this.preparer.prepare(entry, publisher, prefix);
    } catch (error) {
      if (error instanceof GatewayError && !error.retriable) return error;
      throw error;
    }
  }

  private async claim(events: readonly PreparedEvent[]): Promise<Claim[]> {
    const known = events.filter((e) => !e.generatedId);
    if (known.length === 0) return events.map(() => FRESH);
    let outcomes: ClaimOutcome[];
    try {
      outcomes = await this.idempotency.claim(
        known.map((e) => ({ id: e.id, fingerprint: e.fingerprint, sameEvent: e.sameEvent })),
      );
    } catch (error) {
      throw GatewayError.unavailable(
        'the idempotency store (PostgreSQL) is unavailable; retry shortly',
        2,
        error,
      );
    }
    let next = 0;
    return events.map((e) => (e.generatedId ? FRESH : outcomes[next++]!));
  }

  /**
   * Sends the claimed events and completes their claims; duplicates answer their stored
   * result. Throws (after releasing the claims) when Kafka did not acknowledge.
   */
  private async sendClaimed(
    events: readonly PreparedEvent[],
    outcomes: readonly Claim[],
    atomic: boolean,
  ): Promise<PublishResult[]> {
    const claimed: Claimed[] = [];
    const results: Array<PublishResult | undefined> = outcomes.map((outcome, i) => {
      if (outcome.kind === 'duplicate') return { ...outcome.result, duplicate: true };
      const error = claimError(outcome, events[i]!);
      if (error) throw error;
      if (outcome.kind === 'claimed') claimed.push({ event: events[i]!, token: outcome.token });
      if (outcome.kind === 'fresh') claimed.push({ event: events[i]!, token: undefined });
      return undefined;
    });
    if (claimed.length > 0) {
      const records = claimed.map((c) => c.event.record);
      const sending = atomic ? this.producer.sendAtomic(records) : this.producer.send(records);
      const coordinates = await sending.catch((error: unknown) => this.afterFailedSend(claimed, error));
      const accepted = acceptedEvents(claimed, coordinates);
      // The answer is stored (before it is given in strict mode, just after otherwise), so a
      // retry after a lost response gets it again. Kafka has the events whatever happens here:
      // failing to store the answer must not turn an acknowledged write into an error (the
      // claim then expires as stale, and a late retry could write a second copy: consumers are
      // at-least-once and dedupe by id).
      await this.storeAnswers(claimed, accepted);
      let next = 0;
      for (let i = 0; i < results.length; i++) {
        if (results[i] === undefined) results[i] = { ...accepted[next++]!, duplicate: false };
      }
      const perType = new Map<string, number>();
      claimed.forEach((c) => perType.set(c.event.type, (perType.get(c.event.type) ?? 0) + 1));
      perType.forEach((count, type) => this.observer.accepted(type, count));
    }
    return results as PublishResult[];
  }

  /**
   * A failed send releases its claims so the retry can publish. An unacknowledged one keeps
   * them until Kafka decides: written → the stored answer serves the retry; not → released.
   */
  private async afterFailedSend(claimed: readonly Claimed[], error: unknown): Promise<never> {
    const claims = tokens(claimed);
    if (error instanceof UnacknowledgedSendError) {
      error.outcome
        .then(
          (coordinates) => this.storeAnswers(claimed, acceptedEvents(claimed, coordinates)),
          () => this.idempotency.release(claims),
        )
        .catch(() => undefined);
      throw GatewayError.unavailable(
        `${error.message}; the event may still be written, retry with the same id`,
        2,
        error,
      );
    }
    if (claims.length > 0) await this.idempotency.release(claims).catch(() => undefined);
    throw error;
  }

  private storeAnswers(claimed: readonly Claimed[], accepted: readonly AcceptedEvent[]): Promise<void> {
    return this.answers.store(
      claimed.map(({ event, token }, i) => ({ token, fingerprint: event.fingerprint, result: accepted[i]! })),
    );
  }

  private async releaseClaimed(events: readonly PreparedEvent[], outcomes: readonly Claim[]): Promise<void> {
    const claims = outcomes.flatMap((o, i) =>
      o.kind === 'claimed' ? [{ id: events[i]!.id, token: o.token }] : [],
    );
    if (claims.length > 0) await this.idempotency.release(claims);
  }
}

/** A claim outcome, or `fresh`: a generated id, never claimed (see the header comment). */
type Claim = ClaimOutcome | { readonly kind: 'fresh' };
const FRESH: Claim = { kind: 'fresh' };

interface Claimed {
  readonly event: PreparedEvent;
  /** Undefined for a fresh (generated) id: there is no claim to complete or release. */
  readonly token: string | undefined;
}

function tokens(claimed: readonly Claimed[]): Array<{ id: string; token: string }> {
  return claimed.flatMap((c) => (c.token === undefined ? [] : [{ id: c.event.id, token: c.token }]));
}

function acceptedEvents(
  claimed: readonly Claimed[],
  coordinates: readonly RecordCoordinates[],
): AcceptedEvent[] {
  return claimed.map((c, i) => ({
    id: c.event.id,
    type: c.event.type,
    version: c.event.version,
    ...coordinates[i]!,
  }));
}

function claimError(outcome: Claim, event: PreparedEvent): GatewayError | undefined {
  if (outcome.kind === 'conflict') {
    return new GatewayError(
      'conflict',
      `event id "${event.id}" was already published with different content`,
    );
  }
  if (outcome.kind === 'in-flight') {
    return GatewayError.unavailable(
      `event id "${event.id}" is being published by another request; retry shortly`,
      1,
    );
  }
  return undefined;
}

/** Two entries of one batch with the same id: the later ones are rejected (a batch is one request). */
function markRepeatedIds(prepared: Array<PreparedEvent | GatewayError>): Map<GatewayError, string> {
  const seen = new Set<string>();
  const ids = new Map<GatewayError, string>();
  prepared.forEach((p, i) => {
    if (p instanceof GatewayError) return;
    if (seen.has(p.id)) {
      const error = GatewayError.malformed(`event ${i}: id "${p.id}" appears earlier in the same batch`, [
        { path: `/events/${i}/id`, message: 'repeats the id of an earlier event in this batch' },
      ]);
      prepared[i] = error;
      ids.set(error, p.id);
    } else seen.add(p.id);
  });
  return ids;
}

/** The errors of an atomic batch as one: the most severe kind, every violation. */
function combine(errors: readonly GatewayError[]): GatewayError {
  const precedence = ['unauthenticated', 'forbidden', 'too-large', 'malformed', 'unprocessable'];
  const kind = precedence.find((k) => errors.some((e) => e.kind === k)) ?? errors[0]!.kind;
  const violations = errors.flatMap((e) => e.violations);
  const message = `${errors.length} event(s) of the atomic batch are invalid; nothing was published`;
  return new GatewayError(
    kind === 'malformed' ? 'unprocessable' : (kind as GatewayError['kind']),
    message,
    violations,
  );
}
