/**
 * Test events: a synthetic event of a chosen type, delivered to one endpoint only — it never goes
 * through Kafka, so no other endpoint or consumer sees it. Its data is a sample built from the
 * schema (`jsonSample` of @app/schema: fields with defaults take them, the others plain values of
 * their type; the tenant field carries the endpoint's tenant), written in the version asked for —
 * else the endpoint's pin for the type, else the latest — with that version's registry id, exactly
 * as the gateway would write it. From there it is a delivery like any other (`origin` test):
 * rendered in the endpoint's pinned version and format, signed, retried, recorded.
 */
import type { RegisteredSchema } from '@app/registry-client';
import { AvroCodec, JsonAvroMapping, jsonSample, type Catalog } from '@app/schema';
import type { StoredMessage } from '../delivery/payload-renderer';
import { patternMatches } from './endpoint';
import {
  EndpointNotFoundError,
  EndpointsUnavailableError,
  InvalidEndpointRequestError,
} from './endpoint-errors';
import type { EndpointStore } from './endpoint-store.port';
import { parseTestEventRequest } from './operation-requests';

/** The `source` of a test event (its CloudEvents `source`, the standard body's `source`). */
export const TEST_EVENT_SOURCE = 'herald-webhooks-test';

export interface SentTestEvent {
  readonly deliveryId: string;
  readonly eventId: string;
}

export interface TestEventStore {
  /** The message and its one delivery, origin test, due now; undefined when the endpoint is gone. */
  store(endpointId: string, message: StoredMessage): Promise<string | undefined>;
}

export interface SchemaVersions {
  version(subject: string, version: number): Promise<RegisteredSchema | undefined>;
}

export class TestEvents {
  private readonly codec = new AvroCodec({ schemaById: () => Promise.reject(new Error('encode only')) });

  constructor(
    private readonly endpoints: Pick<EndpointStore, 'find'>,
    private readonly catalog: Catalog,
    private readonly registry: SchemaVersions,
    private readonly store: TestEventStore,
    private readonly newEventId: () => string,
  ) {}

  async send(endpointId: string, body: unknown): Promise<SentTestEvent> {
    const request = parseTestEventRequest(body);
    const endpoint = await this.endpoints.find(endpointId);
    if (endpoint === undefined) throw new EndpointNotFoundError(endpointId);
    const definition = this.catalog.eventTypes.find((t) => t.type === request.type);
    if (definition === undefined) refuse('/type', `"${request.type}" is not an event type of the catalog`);
    if (!endpoint.types.some((pattern) => patternMatches(pattern, request.type))) {
      refuse('/type', `the endpoint does not take "${request.type}" (it takes ${endpoint.types.join(', ')})`);
    }
    const version = request.version ?? endpoint.versions[request.type] ?? definition.latest.version;
    if (!definition.versions.some((v) => v.version === version)) {
      refuse('/version', `${request.type} has versions 1 to ${definition.latest.version}, not ${version}`);
    }
    const registered = await this.registered(definition.subject, version);
    if (registered === undefined) {
      refuse(
        '/version',
        `version ${version} of ${request.type} is in the catalog but not in the schema registry: push it (herald schemas push)`,
      );
    }
    const eventId = this.newEventId();
    const message: StoredMessage = {
      eventId,
      type: request.type,
      topic: definition.topic,
      time: new Date().toISOString(),
      source: TEST_EVENT_SOURCE,
      subject: null,
      value: this.encode(registered, definition.metadata.tenant, endpoint.tenant),
    };
    const deliveryId = await this.store.store(endpoint.id, message);
    if (deliveryId === undefined) throw new EndpointNotFoundError(endpointId);
    return { deliveryId, eventId };
  }

  private async registered(subject: string, version: number): Promise<RegisteredSchema | undefined> {
    try {
      return await this.registry.version(subject, version);
    } catch (error) {
      throw new EndpointsUnavailableError(
        `the schema registry could not be asked: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  /** The sample in Confluent wire format; the tenant field set to the endpoint's tenant when it has one. */
  private encode(registered: RegisteredSchema, tenantField: string, tenant: string | null): Buffer {
    const mapping = JsonAvroMapping.compile(registered.schema);
    const sample = jsonSample(registered.schema) as Record<string, unknown>;
    const withTenant = tenant === null ? sample : { ...sample, [tenantField]: tenant };
    let read = mapping.fromJson(withTenant);
    if (!read.ok) read = mapping.fromJson(sample); // a tenant field that is not a plain string
    if (!read.ok) {
      throw new Error(`the sample of ${registered.subject} v${registered.version} does not fit its schema`);
    }
    return this.codec.encode(registered.id, mapping.type, read.value);
  }
}

function refuse(path: string, message: string): never {
  throw new InvalidEndpointRequestError('body', [{ path, message }]);
}
