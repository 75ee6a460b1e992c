/**
 * Reads events through the reader version each declared metric pins: the record's bytes are
 * decoded with the writer's schema (by its id) and resolved to the reader version from the
 * registry (Avro schema resolution: fields added later are dropped, defaults fill fields the
 * writer lacks, unknown enum symbols take the enum's default). One decode per event and reader
 * version, whatever the number of metrics on it. Also validates declared metrics at boot.
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
    for (const generation of generations) {
      const definition = generation.definition;
      const events = fresh.filter((e) => e.type === definition.type);
      if (events.length === 0) continue;
      const key = `${definition.type}-value/${definition.version}`;
      let values = decoded.get(key);
      if (values === undefined) decoded.set(key, (values = await this.decodeAll(definition, events)));
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
    events: readonly ObservedEvent[],
  ): Promise<unknown[]> {
    const reader = await this.reader(definition.type, definition.version);
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

  private reader(type: string, version: number): Promise<avro.Type> {
    const key = `${type}-value/${version}`;
    let pending = this.readers.get(key);
    if (pending === undefined) {
      pending = this.readerSchema(type, version).then((schema) => {
        if (schema === undefined) throw new Error(`version ${version} of ${type} is not registered`);
        return createAvroType(schema);
      });
      pending.catch(() => this.readers.delete(key));
      this.readers.set(key, pending);
    }
    return pending;
  }
}
