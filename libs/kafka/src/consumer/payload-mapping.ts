/**
 * What a handler's `@Payload()` is. By default the JSON mapping of the schema core
 * (docs/json-avro-mapping.md), the shape the generated types in @app/events describe: longs as
 * numbers (strings beyond 2^53), unions unwrapped, timestamps as RFC 3339. `payload: 'avro'`
 * hands over avsc's value instead (BigInt longs, wrapped unions) for handlers that re-encode.
 * Mappings are compiled once per schema.
 */
import { JsonAvroMapping, type AvroSchemaJson } from '@app/schema';

export type PayloadShape = 'json' | 'avro';

export class PayloadMapper {
  private readonly mappings = new WeakMap<object, JsonAvroMapping>();
  private readonly named = new Map<string, JsonAvroMapping>();

  constructor(readonly shape: PayloadShape) {}

  /** `schema` is the schema the value was decoded to: the pinned reader's, or else the writer's. */
  toHandler(schema: AvroSchemaJson, value: unknown): unknown {
    return this.shape === 'avro' ? value : this.mapping(schema).toJson(value);
  }

  private mapping(schema: AvroSchemaJson): JsonAvroMapping {
    if (typeof schema === 'string') {
      let named = this.named.get(schema);
      if (named === undefined) this.named.set(schema, (named = JsonAvroMapping.compile(schema)));
      return named;
    }
    let mapping = this.mappings.get(schema);
    if (mapping === undefined) this.mappings.set(schema, (mapping = JsonAvroMapping.compile(schema)));
    return mapping;
  }
}
