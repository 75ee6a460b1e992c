/**
 * The dashboard's event catalog: the gateway's `GET /v1/event-types` (GATEWAY_URL), reduced to
 * what a reader of the page wants (type, description, owner, key and tenant fields, and each
 * version's top-level fields with their types and docs) so the browser does not walk Avro
 * schemas. Every text in it is written by whoever owns an event type: the page renders it as
 * text. Cached for half a minute (the catalog changes with deployments, not with traffic); a
 * gateway that does not answer gives `available: false` with the reason.
 */
import { fetchFailure } from './fetch-failure';

export interface CatalogField {
  readonly name: string;
  /** The Avro type as a short text: `long`, `null | string`, `enum Status`, `array<string>`. */
  readonly type: string;
  readonly doc?: string;
  readonly optional: boolean;
}

export interface CatalogEventType {
  readonly type: string;
  readonly description: string | null;
  readonly owner: string | null;
  readonly keyField: string | null;
  readonly tenantField: string | null;
  readonly latestVersion: number;
  readonly versions: ReadonlyArray<{ readonly version: number; readonly fields: readonly CatalogField[] }>;
}

export interface EventCatalog {
  readonly available: boolean;
  readonly reason?: string;
  readonly source?: string;
  readonly eventTypes: readonly CatalogEventType[];
}

interface GatewayEventType {
  readonly type: string;
  readonly description?: unknown;
  readonly owner?: unknown;
  readonly keyField?: unknown;
  readonly tenantField?: unknown;
  readonly latestVersion: number;
  readonly versions: ReadonlyArray<{ readonly version: number; readonly schema: unknown }>;
}

const CACHE_MS = 30_000;
const TIMEOUT_MS = 3_000;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** How an Avro type reads in the catalog. Named types are shown by their short name. */
export function describeAvroType(schema: unknown): string {
  if (typeof schema === 'string') return schema.slice(schema.lastIndexOf('.') + 1);
  if (Array.isArray(schema)) return schema.map(describeAvroType).join(' | ');
  if (schema === null || typeof schema !== 'object') return String(schema);
  const node = schema as Record<string, unknown>;
  const logical = typeof node['logicalType'] === 'string' ? ` (${node['logicalType']})` : '';
  switch (node['type']) {
    case 'array':
      return `array<${describeAvroType(node['items'])}>`;
    case 'map':
      return `map<${describeAvroType(node['values'])}>`;
    case 'record':
    case 'enum':
    case 'fixed':
      return `${node['type']} ${describeAvroType(node['name'])}`;
    default:
      return `${describeAvroType(node['type'])}${logical}`;
  }
}

function fieldsOf(schema: unknown): CatalogField[] {
  const fields = (schema as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.map((raw: Record<string, unknown>) => {
    const doc = text(raw['doc']);
    const type = raw['type'];
    const optional = 'default' in raw || (Array.isArray(type) && type.includes('null'));
    return {
      name: String(raw['name']),
      type: describeAvroType(type),
      optional,
      ...(doc === null ? {} : { doc }),
    };
  });
}

export function catalogOf(types: readonly GatewayEventType[]): CatalogEventType[] {
  return types.map((t) => ({
    type: t.type,
    description: text(t.description),
    owner: text(t.owner),
    keyField: text(t.keyField),
    tenantField: text(t.tenantField),
    latestVersion: t.latestVersion,
    versions: t.versions
      .map((v) => ({ version: v.version, fields: fieldsOf(v.schema) }))
      .sort((a, b) => b.version - a.version),
  }));
}

export class EventCatalogReader {
  private cached: { at: number; catalog: Promise<EventCatalog> } | undefined;

  constructor(
    private readonly gatewayUrl: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  catalog(): Promise<EventCatalog> {
    const now = this.now();
    if (this.cached === undefined || now - this.cached.at >= CACHE_MS) {
      const catalog = this.fetchCatalog();
      this.cached = { at: now, catalog };
      // A failure is not kept for the whole cache time: the gateway may be starting.
      void catalog.then((c) => {
        if (!c.available && this.cached?.catalog === catalog) this.cached = undefined;
      });
    }
    return this.cached.catalog;
  }

  private async fetchCatalog(): Promise<EventCatalog> {
    if (this.gatewayUrl === undefined)
      return { available: false, reason: 'GATEWAY_URL is empty', eventTypes: [] };
    const source = `${this.gatewayUrl}/v1/event-types`;
    let response: Response;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    } catch (error) {
      const cause = fetchFailure(error);
      return {
        available: false,
        reason: `the gateway at ${this.gatewayUrl} did not answer (${cause})`,
        eventTypes: [],
      };
    }
    if (!response.ok)
      return {
        available: false,
        reason: `the gateway answered ${response.status} to ${source}`,
        eventTypes: [],
      };
    try {
      const body = (await response.json()) as { eventTypes?: GatewayEventType[] };
      return { available: true, source, eventTypes: catalogOf(body.eventTypes ?? []) };
    } catch {
      return { available: false, reason: `the gateway's ${source} is not the catalog`, eventTypes: [] };
    }
  }
}
