/**
 * Turns a requested (type, version) into what publishing needs: the registry id, the JSON
 * mapping of that schema, the topic and the key field. Versions come from the schema
 * registry, so a version pushed there becomes publishable without a restart; `event.yaml`
 * metadata (key and tenant fields) comes from the local catalog.
 *
 * A pinned version never changes once registered, so it is cached for good; "latest" is
 * re-read after `latestTtlMs` (stale-while-revalidate: requests keep the cached answer
 * while one refresh runs).
 */
import type { Catalog, EventTypeDefinition } from '@app/schema';
import { JsonAvroMapping, findEventType } from '@app/schema';
import type { RegisteredSchema } from '@app/registry-client';
import { GatewayError } from './gateway-errors';

/** What the resolver needs from a schema registry (RegistryClient implements it). */
export interface SchemaVersions {
  version(subject: string, version: number | 'latest'): Promise<RegisteredSchema | undefined>;
}

export interface PublishableVersion {
  readonly type: string;
  readonly topic: string;
  readonly version: number;
  readonly schemaId: number;
  readonly mapping: JsonAvroMapping;
  /** Top-level data field holding the partition key; undefined for types not in the local catalog. */
  readonly keyField: string | undefined;
}

const EVENT_TYPE = /^[a-z][a-z0-9]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

interface LatestEntry {
  value: PublishableVersion;
  fetchedAt: number;
  refreshing?: Promise<void>;
}

export class EventTypeResolver {
  private readonly pinned = new Map<string, Promise<PublishableVersion | undefined>>();
  private readonly latest = new Map<string, LatestEntry>();
  private readonly mappings = new Map<number, JsonAvroMapping>();

  constructor(
    private readonly catalog: Catalog,
    private readonly registry: SchemaVersions,
    private readonly latestTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  definition(type: string): EventTypeDefinition | undefined {
    return findEventType(this.catalog, type);
  }

  /** A string that cannot be an event type is 422, whoever asks (checked before authorisation). */
  checkTypeName(type: string): void {
    if (!EVENT_TYPE.test(type)) {
      const shown = type.length > 100 ? `${type.slice(0, 97)}...` : type;
      throw GatewayError.unprocessable(`"${shown}" is not an event type name (<domain>.<entity>.<verb>)`, [
        { path: '/type', message: 'must look like payments.payment.received' },
      ]);
    }
  }

  async resolve(type: string, version: number | undefined): Promise<PublishableVersion> {
    this.checkTypeName(type);
    const found =
      version === undefined ? await this.resolveLatest(type) : await this.resolvePinned(type, version);
    if (found) return found;
    throw this.unknown(type, version);
  }

  private async resolvePinned(type: string, version: number): Promise<PublishableVersion | undefined> {
    const cacheKey = `${type}@${version}`;
    let pending = this.pinned.get(cacheKey);
    if (!pending) {
      pending = this.fetch(type, version);
      this.pinned.set(cacheKey, pending);
      // Misses and failures are not cached: the version may be pushed a second later.
      pending.then(
        (found) => found ?? this.pinned.delete(cacheKey),
        () => this.pinned.delete(cacheKey),
      );
    }
    return pending;
  }

  private async resolveLatest(type: string): Promise<PublishableVersion | undefined> {
    const entry = this.latest.get(type);
    if (!entry) {
      const value = await this.fetch(type, 'latest');
      if (value) this.latest.set(type, { value, fetchedAt: this.now() });
      return value;
    }
    if (this.now() - entry.fetchedAt > this.latestTtlMs && !entry.refreshing) {
      entry.refreshing = this.fetch(type, 'latest').then(
        (value) => {
          if (value) this.latest.set(type, { value, fetchedAt: this.now() });
          else this.latest.delete(type);
        },
        () => {
          // Registry briefly unreachable: keep serving the version we know, retry next request.
          entry.refreshing = undefined;
        },
      );
    }
    return entry.value;
  }

  private async fetch(type: string, version: number | 'latest'): Promise<PublishableVersion | undefined> {
    let registered: RegisteredSchema | undefined;
    try {
      registered = await this.registry.version(`${type}-value`, version);
    } catch (error) {
      throw GatewayError.unavailable('the schema registry is unavailable; retry shortly', 2, error);
    }
    if (!registered) return undefined;
    return {
      type,
      topic: type,
      version: registered.version,
      schemaId: registered.id,
      mapping: this.mappingFor(registered),
      keyField: this.definition(type)?.metadata.key,
    };
  }

  private mappingFor(registered: RegisteredSchema): JsonAvroMapping {
    let mapping = this.mappings.get(registered.id);
    if (!mapping) {
      mapping = JsonAvroMapping.compile(registered.schema);
      this.mappings.set(registered.id, mapping);
    }
    return mapping;
  }

  private unknown(type: string, version: number | undefined): GatewayError {
    const local = this.definition(type);
    if (version === undefined) {
      const hint = local
        ? ' It is in the schemas/ catalog but not in the registry: run `herald schemas push`.'
        : '';
      return GatewayError.unprocessable(`unknown event type "${type}".${hint}`, [
        { path: '/type', message: 'no such event type in the schema registry' },
      ]);
    }
    // The registry holds what `herald schemas push` registered; a version file that was never
    // pushed is the usual cause, so the answer says which command makes the version publishable.
    const hint = local?.versions.some((v) => v.version === version)
      ? ` Version ${version} is in the schemas/ catalog but not in the registry: run \`herald schemas push\`.`
      : ` To publish it, add schemas/${type.split('.')[0]}/${type}/v${version}.avsc and run \`herald schemas push\`.`;
    return GatewayError.unprocessable(
      `event type "${type}" has no version ${version} in the schema registry.${hint}`,
      [{ path: '/version', message: `no version ${version} of ${type}` }],
    );
  }
}
