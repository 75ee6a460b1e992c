/**
 * The `herald publish` use case: sends event data through the gateway (the SDK retries what is
 * retriable, with one id per event fixed before the first attempt) and returns one outcome per
 * event, accepted with its Kafka coordinates or rejected with the gateway's problem.
 */
import {
  HeraldProblemError,
  type BatchEventResult,
  type BatchOptions,
  type PublishOptions,
  type PublishResult,
  type RawEvent,
} from '@app/sdk';
import type { EventDataItem } from './publish-input';

/** The part of HeraldClient this use case needs (a fake in unit tests). */
export interface GatewayPublisher {
  publishRaw(type: string, data: unknown, options?: PublishOptions): Promise<PublishResult>;
  publishBatchRaw(events: readonly RawEvent[], options?: BatchOptions): Promise<BatchEventResult[]>;
}

export interface PublicationRequest {
  readonly type: string;
  readonly version?: number;
  readonly key?: string;
  readonly id?: string;
  readonly subject?: string;
  readonly time?: string;
  readonly atomic: boolean;
}

export type PublicationOutcome =
  | { readonly status: 'accepted'; readonly line: number | undefined; readonly result: PublishResult }
  | {
      readonly status: 'rejected';
      readonly line: number | undefined;
      readonly id: string | undefined;
      readonly error: HeraldProblemError;
    };

/** Below the gateway's default GATEWAY_MAX_BATCH_EVENTS (500) and its 1 MiB body limit for typical events. */
export const BATCH_SIZE = 100;

export async function publishEvents(
  publisher: GatewayPublisher,
  request: PublicationRequest,
  items: readonly EventDataItem[],
): Promise<PublicationOutcome[]> {
  const attributes = {
    ...(request.version === undefined ? {} : { version: request.version }),
    ...(request.key === undefined ? {} : { key: request.key }),
    ...(request.id === undefined ? {} : { id: request.id }),
    ...(request.subject === undefined ? {} : { subject: request.subject }),
    ...(request.time === undefined ? {} : { time: request.time }),
  };
  const [single] = items;
  if (items.length === 1 && single !== undefined && !request.atomic) {
    try {
      const result = await publisher.publishRaw(request.type, single.data, attributes);
      return [{ status: 'accepted', line: single.line, result }];
    } catch (error) {
      if (!(error instanceof HeraldProblemError) || error.retriable) throw error;
      return [{ status: 'rejected', line: single.line, id: request.id, error }];
    }
  }
  if (request.atomic) return publishChunk(publisher, request, attributes, items);
  const outcomes: PublicationOutcome[] = [];
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    const chunk = items.slice(start, start + BATCH_SIZE);
    outcomes.push(...(await publishChunk(publisher, request, attributes, chunk)));
  }
  return outcomes;
}

async function publishChunk(
  publisher: GatewayPublisher,
  request: PublicationRequest,
  attributes: Omit<RawEvent, 'type' | 'data'>,
  items: readonly EventDataItem[],
): Promise<PublicationOutcome[]> {
  const events = items.map((item) => ({ type: request.type, ...attributes, data: item.data }));
  let results: BatchEventResult[];
  try {
    results = await publisher.publishBatchRaw(events, { atomic: request.atomic });
  } catch (error) {
    // An atomic batch with an invalid event is refused as a whole (422): every event is rejected.
    if (!(error instanceof HeraldProblemError) || error.retriable) throw error;
    return items.map((item) => ({ status: 'rejected', line: item.line, id: undefined, error }));
  }
  return results.map((result, index) => {
    const line = items[index]?.line;
    if (result.status === 'rejected') return { status: 'rejected', line, id: result.id, error: result.error };
    const { status: _status, ...accepted } = result;
    return { status: 'accepted', line, result: accepted };
  });
}
