/**
 * What a handler's `@Payload()` is. By default the JSON mapping of the schema core
 * (docs/json-avro-mapping.md), the shape the generated types in @app/events describe: longs as
 * numbers (strings beyond 2^53), unions unwrapped, timestamps as RFC 3339. `payload: 'avro'`
 * hands over avsc's value instead (BigInt longs, wrapped unions) for handlers that re-encode.
 * JSON payloads are decoded straight from the bytes (`AvroCodec#decodeBatchJson`: no avsc value
 * in between when the reader is the writer's schema); a value decoded otherwise (a retry's
 * re-decode, or one the mapping refused there) is mapped here. Mappings are compiled once per schema.
 */
import {
  JsonAvroMapping,
  type AvroCodec,
  type AvroSchemaJson,
  type CodecError,
  type DecodedMessage,
  type JsonReader,
} from '@app/schema';

export type PayloadShape = 'json' | 'avro';

export class PayloadMapper {
  private readonly mappings = new WeakMap<object, JsonAvroMapping>();
  private readonly named = new Map<string, JsonAvroMapping>();

  constructor(readonly shape: PayloadShape) {}

  /** Decodes a chunk of record values in this shape, resolved to the pinned reader when there is one. */
  decode(
    codec: AvroCodec,
    values: readonly Buffer[],
    reader: JsonReader | undefined,
  ): Promise<Array<DecodedMessage | CodecError>> {
    return this.shape === 'avro'
      ? codec.decodeBatch(values, reader?.type)
      : codec.decodeBatchJson(values, reader);
  }

  /** `schema` is the schema the value was decoded to: the pinned reader's, or else the writer's. */
  toHandler(schema: AvroSchemaJson, decoded: DecodedMessage): unknown {
    if (this.shape === 'avro' || decoded.json === true) return decoded.value;
    return this.mapping(schema).toJson(decoded.value);
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
