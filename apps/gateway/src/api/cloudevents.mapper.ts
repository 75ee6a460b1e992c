/**
 * CloudEvents over HTTP (v1.0) into the gateway's envelope. Structured mode is a JSON
 * CloudEvent (`application/cloudevents+json`); binary mode carries the attributes in `ce-*`
 * headers and the data as the JSON body. `partitionkey` (the Partitioning extension) is the
 * record key and `dataversion` pins the schema version. `source` is not taken from the
 * request: Kafka's `ce_source` is always the API key's producer, so it cannot be spoofed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, type Violation } from '../domain/gateway-errors';
import { envelopeViolations, type PublishRequest } from '../domain/publish-request';

const RENAMED: Readonly<Record<string, string>> = { '/key': '/partitionkey', '/version': '/dataversion' };

function version(value: unknown): unknown {
  return typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
}

/** Where an envelope violation points in the CloudEvent: its attribute name (a header in binary mode). */
type AttributePointer = (envelopePath: string) => string;

const structuredPointer: AttributePointer = (path) => RENAMED[path] ?? path;
const binaryPointer: AttributePointer = (path) =>
  path === '/data' || path.startsWith('/data/') ? path : `/headers/ce-${structuredPointer(path).slice(1)}`;

function toRequest(
  attributes: Record<string, unknown>,
  violations: Violation[],
  pointerFor: AttributePointer,
): PublishRequest {
  const envelope: Record<string, unknown> = { type: attributes.type, data: attributes.data };
  for (const [from, to] of [
    ['id', 'id'],
    ['time', 'time'],
    ['subject', 'subject'],
    ['partitionkey', 'key'],
  ] as const) {
    if (attributes[from] !== undefined) envelope[to] = attributes[from];
  }
  if (attributes.dataversion !== undefined) envelope.version = version(attributes.dataversion);
  const result = envelopeViolations(envelope);
  if (Array.isArray(result)) {
    // An attribute the CloudEvents checks already refused is not reported twice.
    const reported = new Set(violations.map((v) => v.path));
    const more = result.map((v) => ({ ...v, path: pointerFor(v.path) }));
    violations.push(...more.filter((v) => !reported.has(v.path)));
  }
  if (violations.length > 0) throw GatewayError.malformed('the CloudEvent is invalid', violations);
  return result as PublishRequest;
}

function checkCommon(attributes: Record<string, unknown>, prefix: string): Violation[] {
  const violations: Violation[] = [];
  if (attributes.specversion !== '1.0') {
    violations.push({ path: `${prefix}/specversion`, message: 'must be "1.0"' });
  }
  if (typeof attributes.id !== 'string' || attributes.id === '') {
    violations.push({ path: `${prefix}/id`, message: 'required by CloudEvents: a non-empty string' });
  }
  if (typeof attributes.source !== 'string' || attributes.source === '') {
    violations.push({
      path: `${prefix}/source`,
      message: 'required by CloudEvents: a non-empty URI-reference',
    });
  }
  return violations;
}

export function fromStructuredCloudEvent(body: unknown): PublishRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw GatewayError.malformed('a structured CloudEvent must be a JSON object');
  }
  const event = body as Record<string, unknown>;
  const violations = checkCommon(event, '');
  if (event.data_base64 !== undefined) {
    violations.push({
      path: '/data_base64',
      message: 'binary data is not accepted: send the event data as JSON in "data"',
    });
  }
  const contentType = event.datacontenttype;
  if (
    contentType !== undefined &&
    !(typeof contentType === 'string' && /^application\/json\b/.test(contentType))
  ) {
    violations.push({ path: '/datacontenttype', message: 'must be application/json (or absent)' });
  }
  return toRequest(event, violations, structuredPointer);
}

/** Binary mode: the `ce-*` headers are the attributes and `data` is the parsed body. */
export function fromBinaryCloudEvent(headers: IncomingHttpHeaders, data: unknown): PublishRequest {
  const attributes: Record<string, unknown> = { data };
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('ce-') && typeof value === 'string') attributes[name.slice(3)] = value;
  }
  const violations = checkCommon(attributes, '').map((v) => ({
    ...v,
    path: `/headers/ce-${v.path.slice(1)}`,
  }));
  return toRequest(attributes, violations, binaryPointer);
}

export function isBinaryCloudEvent(headers: IncomingHttpHeaders): boolean {
  return headers['ce-specversion'] !== undefined;
}
