/**
 * Reads events through the reader version each declared metric pins: the record's bytes are
 * decoded with the writer's schema (by its id) and resolved to the reader version from the
 * registry (Avro schema resolution: fields added later are dropped, defaults fill fields the
 * writer lacks, unknown enum symbols take the enum's default). One decode per event and reader
 * version, whatever the number of metrics on it, through that version reduced to the fields those
 * metrics read (readerFor). Also validates declared metrics at boot.
 */
import type * as avro from 'avsc';
import { checkMetricAgainstSchema, type MetricDefinition, type MetricProblem } from '@app/analytics';
import { HandlerError } from '@app/kafka';
import type { RegistryClient } from '@app/registry-client';
import { AvroCodec, CodecError, createAvroType, type AvroSchemaJson } from '@app/schema';
import { metricInput } from '../domain/metric-values';
import type { ObservedEvent } from '../domain/observed-event';
import type { MetricRow } from '../storage/aggregate-writes';
import type { Generation } from '../storage/generation-store';

export type MetricRegistry = Pick<RegistryClient, 'schemaById' | 'versionsOfId' | 'version'>;

export class MetricReaders {
  private readonly codec: AvroCodec;
  private readonly readers = new Map<string, Promise<avro.Type>>();

  constructor(private readonly registry: MetricRegistry) {
    this.codec = new AvroCodec(registry);
  }

  /** The reader schema of a version, or undefined when the registry does not hold it. */
  async readerSchema(type: string, version: number): Promise<AvroSchemaJson | undefined> {
    return (await this.registry.version(`${type}-value`, version))?.schema;
  }

  /** Each metric's problems against its pinned version in the registry (empty: all good). */
  async validate(
    metrics: readonly MetricDefinition[],
    pointerOf: (index: number, key: string) => string,
  ): Promise<MetricProblem[]> {
    const problems: MetricProblem[] = [];
    for (const [index, metric] of metrics.entries()) {
      const schema = await this.readerSchema(metric.type, metric.version);
      if (schema === undefined) {
        problems.push({
          pointer: pointerOf(index, 'version'),
          message: `version ${metric.version} of ${metric.type} is not registered (subject ${metric.type}-value)`,
        });
        continue;
      }
      for (const p of checkMetricAgainstSchema(metric, schema))
        problems.push({ pointer: pointerOf(index, p.key), message: p.message });
    }
    return problems;
  }

  /** The rows the fresh events add to each generation of their type. */
  readonly rowsOf = async (
    generations: readonly Generation[],
    fresh: readonly ObservedEvent[],
  ): Promise<MetricRow[]> => {
    const rows: MetricRow[] = [];
    const decoded = new Map<string, unknown[]>();
    const read = fieldsRead(generations);
    for (const generation of generations) {
      const definition = generation.definition;
      const events = fresh.filter((e) => e.type === definition.type);
      if (events.length === 0) continue;
      const key = `${definition.type}-value/${definition.version}`;
      let values = decoded.get(key);
      if (values === undefined) {
        values = await this.decodeAll(definition, read.get(key) ?? [], events);
        decoded.set(key, values);
      }
      events.forEach((event, i) => {
        const input = metricInput(definition, values[i]);
        rows.push({
          generation: generation.id,
          late: event.late,
          bucket: event.bucket,
          groupKey: input.groupKey,
          group: input.group,
          value: input.value,
        });
      });
    }
    return rows;
  };

  private async decodeAll(
    definition: MetricDefinition,
    fields: readonly string[],
    events: readonly ObservedEvent[],
  ): Promise<unknown[]> {
    const reader = await this.reader(definition.type, definition.version, fields);
    const values: unknown[] = [];
    for (const event of events) {
      try {
        values.push((await this.codec.decode(event.value, reader)).value);
      } catch (error) {
        // A registry that did not answer is worth retrying; bytes or schemas that cannot resolve are not.
        const retriable = error instanceof CodecError ? error.retriable : true;
        throw new HandlerError(
          `event ${event.id} cannot be read through version ${definition.version} of ${definition.type} ` +
            `(metric ${definition.name}): ${(error as Error).message}`,
          { retriable, cause: error },
        );
      }
    }
    return values;
  }

  private reader(type: string, version: number, fields: readonly string[]): Promise<avro.Type> {
    const key = `${type}-value/${version}/${fields.join(',')}`;
    let pending = this.readers.get(key);
    if (pending === undefined) {
      pending = this.readerSchema(type, version).then((schema) => {
        if (schema === undefined) throw new Error(`version ${version} of ${type} is not registered`);
        return readerFor(schema, fields);
      });
      pending.catch(() => this.readers.delete(key));
      this.readers.set(key, pending);
    }
    return pending;
  }
}

/** The top-level fields the generations read, per `<type>-value/<version>` (sorted). */
function fieldsRead(generations: readonly Generation[]): Map<string, string[]> {
  const read = new Map<string, Set<string>>();
  for (const { definition } of generations) {
    const key = `${definition.type}-value/${definition.version}`;
    const fields = read.get(key) ?? new Set<string>();
    for (const name of [definition.field, ...definition.groupBy]) if (name !== undefined) fields.add(name);
    read.set(key, fields);
  }
  return new Map([...read].map(([key, fields]) => [key, [...fields].sort()]));
}

/**
 * The pinned version with only the fields the metrics read: schema resolution skips the other
 * fields' bytes instead of building their values (the consumption benchmark's profile showed
 * garbage collection as a sixth of the app's time), and the fields kept are the version's own,
 * with their types and defaults, so every value read is the same. A version whose kept fields
 * use a named type defined in a dropped one is used whole.
 */
export function readerFor(schema: AvroSchemaJson, fields: readonly string[]): avro.Type {
  const declared: unknown =
    typeof schema === 'object' && schema !== null ? (schema as { fields?: unknown }).fields : undefined;
  if (Array.isArray(declared)) {
    const kept = (declared as ReadonlyArray<{ name?: unknown }>).filter(
      (f) => typeof f.name === 'string' && fields.includes(f.name),
    );
    try {
      return createAvroType({ ...(schema as object), fields: kept });
    } catch {
      // a named type defined in a dropped field: read through the whole version
    }
  }
  return createAvroType(schema);
}
