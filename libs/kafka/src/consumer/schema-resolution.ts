/**
 * The two registry look-ups the runtime needs beyond the codec's writer schemas:
 * - reader types: the schema a handler pinned with `{ version: N }` (from the app's own
 *   `readerSchemas` function, or the registry's subject `${type}-value` version N), resolved
 *   once at boot so a missing version fails the start instead of dead-lettering every event;
 * - writer infos: the writer schema of an id and which registry version of `${topic}-value`
 *   it is, for the envelope. Registrations never move, so both are cached for the life of the process.
 */
import type * as avro from 'avsc';
import { createAvroType, type AvroSchemaJson, type SchemaSource } from '@app/schema';
import type { WriterInfo } from './event-envelope';

export interface ConsumerSchemaSource extends SchemaSource {
  versionsOfId(id: number): Promise<ReadonlyArray<{ subject: string; version: number }>>;
  /** A subject's version; RegistryClient has it. Needed only when `readerSchemas` is not given. */
  version?(subject: string, version: number): Promise<{ schema: AvroSchemaJson } | undefined>;
  /**
   * Every subject the registry knows; RegistryClient has it. With it, `@EventPattern('*')` reads
   * only the topics whose subject is there (handler-table.ts); without it, every event-type topic.
   */
  subjects?(): Promise<string[]>;
}

export type ReaderSchemaLookup = (type: string, version: number) => AvroSchemaJson | undefined;

export function subjectOf(topic: string): string {
  return `${topic}-value`;
}

export interface LoadedReader {
  readonly type: avro.Type;
  readonly schema: AvroSchemaJson;
}

export class ReaderTypes {
  private readonly types = new Map<string, LoadedReader>();

  constructor(
    private readonly source: ConsumerSchemaSource,
    private readonly lookup: ReaderSchemaLookup | undefined,
  ) {}

  /** Resolves and caches the reader type; throws a readable error when it does not exist. */
  async load(type: string, version: number): Promise<LoadedReader> {
    const key = `${type}@${version}`;
    const cached = this.types.get(key);
    if (cached !== undefined) return cached;
    const schema = await this.schemaOf(type, version);
    if (schema === undefined) {
      throw new Error(
        `the handler of ${type} is pinned to version ${version}, which neither readerSchemas nor ` +
          `the registry subject ${subjectOf(type)} knows`,
      );
    }
    const created = { type: createAvroType(schema), schema };
    this.types.set(key, created);
    return created;
  }

  /** The loaded reader type (load() ran at boot for every pinned handler). */
  get(type: string, version: number): LoadedReader | undefined {
    return this.types.get(`${type}@${version}`);
  }

  private async schemaOf(type: string, version: number): Promise<AvroSchemaJson | undefined> {
    if (this.lookup !== undefined) return this.lookup(type, version);
    if (this.source.version === undefined) {
      throw new Error('schemaSource has no version(subject, version): pass readerSchemas to the consumer');
    }
    return (await this.source.version(subjectOf(type), version))?.schema;
  }
}

export class WriterInfos {
  private readonly infos = new Map<string, WriterInfo>();

  constructor(private readonly source: ConsumerSchemaSource) {}

  /** The cached info, or undefined when it must be fetched (keeps the hot path synchronous). */
  cached(topic: string, schemaId: number): WriterInfo | undefined {
    return this.infos.get(`${schemaId}:${topic}`);
  }

  /** Version 0 when the id is registered, but not under this topic's subject (a producer bug, still delivered). */
  async resolve(topic: string, schemaId: number): Promise<WriterInfo> {
    const known = this.cached(topic, schemaId);
    if (known !== undefined) return known;
    const subject = subjectOf(topic);
    const [refs, schema] = await Promise.all([
      this.source.versionsOfId(schemaId),
      this.source.schemaById(schemaId),
    ]);
    const version = refs.find((r) => r.subject === subject)?.version ?? 0;
    const info: WriterInfo = { schemaId, version, schema };
    this.infos.set(`${schemaId}:${topic}`, info);
    return info;
  }
}
