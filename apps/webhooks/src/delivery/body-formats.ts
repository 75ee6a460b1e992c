/**
 * The bodies an endpoint can choose (its `format`), built from one event and its data in the
 * delivered version. Both are signed the same way afterwards (webhook-signer.ts), over exactly the
 * text returned here.
 *
 * - `standard`: Herald's JSON `{id, type, version, time, source, subject, data}`, `application/json`.
 * - `cloudevents`: a CloudEvents 1.0 event in structured mode, JSON event format
 *   (`application/cloudevents+json`): the context attributes beside `data`, the schema version in the
 *   `dataversion` extension (the name the gateway reads it from on the way in) and `traceparent` as
 *   the Distributed Tracing extension.
 *
 * The CloudEvent is written by hand, not with the `cloudevents` package (whose validation the tests
 * run on every body): the package's serializer re-formats `time` through `Date`, so a publisher's
 * `2026-12-06T10:15:00.123456+01:00` would arrive as `2026-12-06T09:15:00.123Z` and an unparseable
 * one would throw, leaving the delivery impossible to prepare; it also validates each event with
 * Ajv and copies it twice, about 3 times the cost of this JSON.stringify per delivery, for attributes
 * that are fixed here or already checked by the gateway. No `dataschema`: the only place the schema
 * lives is the internal registry, which receivers cannot reach and which serves Avro, not a
 * description of this JSON; `type` and `dataversion` name it exactly.
 */
import type { EndpointFormat } from '../domain/endpoint';

export interface BodyContent {
  readonly eventId: string;
  readonly type: string;
  readonly topic: string;
  /** The schema version `data` is in. */
  readonly version: number;
  /** `ce_time` as published (RFC 3339), '' when the record had none. */
  readonly time: string;
  /** `ce_source` (the producer), '' when the record had none. */
  readonly source: string;
  readonly subject: string | null;
  readonly traceparent: string | null;
  /** The schema core's JSON mapping of the event's data. */
  readonly data: unknown;
}

export interface RenderedBody {
  readonly body: string;
  readonly contentType: string;
  /** The schema version `data` is in. */
  readonly version: number;
}

export const STANDARD_CONTENT_TYPE = 'application/json';
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

export function renderBody(format: EndpointFormat, content: BodyContent): RenderedBody {
  return format === 'cloudevents' ? cloudEventBody(content) : standardBody(content);
}

function standardBody(c: BodyContent): RenderedBody {
  const body = {
    id: c.eventId,
    type: c.type,
    version: c.version,
    time: c.time,
    source: c.source,
    subject: c.subject,
    data: c.data,
  };
  return { body: JSON.stringify(body), contentType: STANDARD_CONTENT_TYPE, version: c.version };
}

function cloudEventBody(c: BodyContent): RenderedBody {
  // `source` is required and must be a non-empty URI-reference: the gateway always sets the producer
  // name; a record written to Kafka without one is named by its topic. Optional attributes with no
  // value are left out rather than sent as null.
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: c.eventId,
    source: c.source !== '' ? c.source : `kafka:${c.topic}`,
    type: c.type,
  };
  if (c.time !== '') event['time'] = c.time;
  if (c.subject !== null && c.subject !== '') event['subject'] = c.subject;
  event['datacontenttype'] = 'application/json';
  event['dataversion'] = c.version;
  if (c.traceparent !== null && c.traceparent !== '') event['traceparent'] = c.traceparent;
  event['data'] = c.data;
  return { body: JSON.stringify(event), contentType: CLOUDEVENTS_CONTENT_TYPE, version: c.version };
}
