/**
 * Encodes and decodes Kafka record values in the Confluent wire format with avsc. Decoding
 * looks the writer schema up by id through the SchemaSource port (the registry client in
 * production) and resolves it to the caller's reader schema; writer types and resolvers are
 * cached, so steady-state decoding costs one avsc read plus a 5-byte header check.
 */
import type * as avro from 'avsc';
import { CodecError } from './codec-errors';
import type { AvroSchemaJson } from '../avro-schema-json';
import { createAvroType } from './avro-type';
import { AvroReadCursor } from './avro-tap';
import { MAGIC_BYTE, WIRE_HEADER_LENGTH, readWireSchemaId, writeWireHeader } from './wire-format';
import { AvroJsonDecoder } from '../json/avro-json-decoder';
import { avroToJson } from '../json/avro-to-json';
import { parseAvroSchema, type AvroNode } from '../model/avro-model';

/** Where writer schemas come from. Throw UnknownSchemaIdError for an id that does not exist. */
export interface SchemaSource {
  schemaById(id: number): Promise<AvroSchemaJson>;
}

export class UnknownSchemaIdError extends Error {
  override name = 'UnknownSchemaIdError';
  constructor(readonly schemaId: number) {
    super(`schema id ${schemaId} is not known to the schema registry`);
  }
}

export interface DecodedMessage {
  readonly schemaId: number;
  readonly value: unknown;
  readonly writerType: avro.Type;
  /** True when `value` is already Herald's JSON mapping of it (decodeBatchJson), not avsc's value. */
  readonly json?: boolean;
}

/** A reader schema for decodeBatchJson: its avsc type and the schema itself (its JSON mapping). */
export interface JsonReader {
  readonly type: avro.Type;
  readonly schema: AvroSchemaJson;
}

/**
 * How one (writer, reader) pair reads into JSON: `direct` straight from the bytes when the reader
 * is canonically the writer (nothing to resolve), else avsc's resolver and then `tree`'s mapping.
 */
interface JsonRead {
  readonly direct: AvroJsonDecoder | undefined;
  readonly tree: AvroNode;
}

/** `json` argument of the decode loop: absent for avsc values, else the reader's schema (undefined: the writer's). */
interface JsonTarget {
  readonly schema: AvroSchemaJson | undefined;
}

/** The header's problem, or undefined for a valid header (checked inline, without throwing). */
function headerError(message: Buffer): CodecError | undefined {
  if (message.length >= WIRE_HEADER_LENGTH && message[0] === MAGIC_BYTE) return undefined;
  try {
    readWireSchemaId(message);
  } catch (error) {
    return error as CodecError;
  }
  return undefined;
}

/** Why `cursor` stopped where it did, for a payload that did not decode to exactly its length. */
function payloadError(schemaId: number, end: number, length: number): CodecError {
  if (end > length) {
    return new CodecError('TRUNCATED_MESSAGE', `schema ${schemaId}: the Avro payload is truncated`);
  }
  return new CodecError(
    'TRAILING_BYTES',
    `schema ${schemaId}: ${length - end} byte(s) left over after the value`,
  );
}

function corruptPayload(schemaId: number, error: unknown): CodecError {
  return new CodecError(
    'TRUNCATED_MESSAGE',
    `schema ${schemaId}: the Avro payload is corrupt (${(error as Error).message})`,
  );
}

/** Large enough for nearly every event; bigger values fall back to a one-off allocation. */
const SCRATCH_BYTES = 64 * 1024;

export class AvroCodec {
  private readonly writerTypes = new Map<number, Promise<avro.Type>>();
  /** Writer types already fetched, for synchronous lookups on the hot path. */
  private readonly loaded = new Map<number, avro.Type>();
  private readonly resolvers = new WeakMap<avro.Type, Map<avro.Type, avro.Resolver>>();
  private readonly writerSchemas = new WeakMap<avro.Type, AvroSchemaJson>();
  /** Per writer type, per reader type (the writer itself when unpinned); null when the schema has no JSON mapping. */
  private readonly jsonReads = new WeakMap<avro.Type, Map<avro.Type, JsonRead | null>>();
  private readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  private readonly cursor = new AvroReadCursor();

  constructor(private readonly schemas: SchemaSource) {}

  /** `value` must already be an avsc value of `type` (see JsonAvroMapping for JSON input). */
  encode(schemaId: number, type: avro.Type, value: unknown): Buffer {
    writeWireHeader(this.scratch, schemaId);
    let end: number;
    try {
      end = type.encode(value, this.scratch, WIRE_HEADER_LENGTH);
    } catch (error) {
      throw new CodecError('INVALID_DATA', `value does not match the schema: ${(error as Error).message}`);
    }
    if (end >= 0) return Buffer.from(this.scratch.subarray(0, end));
    const body = type.toBuffer(value);
    const message = Buffer.allocUnsafe(WIRE_HEADER_LENGTH + body.length);
    writeWireHeader(message, schemaId);
    body.copy(message, WIRE_HEADER_LENGTH);
    return message;
  }

  /** Decodes with the writer's schema, resolved to `reader` when given (schema evolution). */
  async decode(message: Buffer, reader?: avro.Type): Promise<DecodedMessage> {
    const schemaId = readWireSchemaId(message);
    return this.decodeWith(message, schemaId, await this.writerType(schemaId), reader);
  }

  /**
   * Decodes a batch (a Kafka fetch); it awaits only to fetch a schema id not seen before. A
   * message that fails yields its CodecError in its slot, so one bad record can be
   * dead-lettered without failing its neighbours.
   */
  async decodeBatch(
    messages: readonly Buffer[],
    reader?: avro.Type,
  ): Promise<Array<DecodedMessage | CodecError>> {
    return this.decodeAll(messages, reader, undefined);
  }

  /**
   * decodeBatch, with each value as Herald's JSON mapping of the reader's schema (the writer's
   * when no reader is given), the shape `JsonAvroMapping#toJson` gives, flagged `json: true`.
   * When the reader is canonically the writer (pinned to the version that wrote, or unpinned),
   * a decoder compiled once per schema reads the bytes straight into JSON, with no avsc value
   * in between; schema resolution goes through avsc's resolver, then the mapping. A value the
   * mapping cannot express (a timestamp beyond year 275760) is left as avsc's value, without
   * the flag, so that mapping it fails where the caller maps it. Errors are decodeBatch's.
   */
  async decodeBatchJson(
    messages: readonly Buffer[],
    reader?: JsonReader,
  ): Promise<Array<DecodedMessage | CodecError>> {
    return this.decodeAll(messages, reader?.type, { schema: reader?.schema });
  }

  private async decodeAll(
    messages: readonly Buffer[],
    reader: avro.Type | undefined,
    json: JsonTarget | undefined,
  ): Promise<Array<DecodedMessage | CodecError>> {
    const results: Array<DecodedMessage | CodecError> = [];
    const failed = new Map<number, CodecError>();
    let next = this.decodeLoaded(messages, 0, results, reader, failed, json);
    while (next < messages.length) {
      // messages[next] has a valid header naming a schema not fetched yet.
      const schemaId = readWireSchemaId(messages[next] as Buffer);
      const failure = await this.writerType(schemaId).then(
        () => undefined,
        (e: CodecError) => e,
      );
      if (failure !== undefined) failed.set(schemaId, failure);
      next = this.decodeLoaded(messages, next, results, reader, failed, json);
    }
    return results;
  }

  /**
   * Runs the hot loop from `start`. avsc throws only for bytes it cannot interpret, so the loop
   * has one try around it rather than one per message: a corrupt message costs a restart after
   * its slot. `results` holds one entry per message before it, so its length is that index.
   */
  private decodeLoaded(
    messages: readonly Buffer[],
    start: number,
    results: Array<DecodedMessage | CodecError>,
    reader: avro.Type | undefined,
    failed: Map<number, CodecError>,
    json: JsonTarget | undefined,
  ): number {
    let from = start;
    for (;;) {
      try {
        return this.decodeRun(messages, from, results, reader, failed, json);
      } catch (error) {
        const corrupt = messages[results.length] as Buffer;
        results.push(corruptPayload(corrupt.readUInt32BE(1), error));
        from = results.length;
      } finally {
        this.cursor.release();
      }
    }
  }

  /**
   * The synchronous hot loop (kept out of the async function so V8 optimises it): decodes from
   * `start` until a message needs a schema that is not loaded yet, and returns its index.
   */
  private decodeRun(
    messages: readonly Buffer[],
    start: number,
    results: Array<DecodedMessage | CodecError>,
    reader: avro.Type | undefined,
    failed: Map<number, CodecError>,
    json: JsonTarget | undefined,
  ): number {
    // Per schema id, not per message: the writer type, the target type, the resolver, the JSON read.
    let lastId = -1;
    let writer: avro.Type | undefined;
    let target: avro.Type | undefined;
    let resolver: avro.Resolver | undefined;
    let jsonRead: JsonRead | null = null;
    for (let i = start; i < messages.length; i++) {
      const message = messages[i] as Buffer;
      const bad = headerError(message);
      if (bad !== undefined) {
        results.push(bad);
        continue;
      }
      const schemaId = message.readUInt32BE(1);
      if (schemaId !== lastId) {
        writer = this.loaded.get(schemaId);
        if (writer === undefined && !failed.has(schemaId)) return i;
        lastId = schemaId;
        target = reader ?? writer;
        resolver = writer && this.batchResolver(reader, writer, schemaId, failed);
        if (failed.has(schemaId)) writer = undefined;
        jsonRead = json === undefined || writer === undefined ? null : this.jsonRead(writer, reader, json);
      }
      results.push(
        writer === undefined || target === undefined
          ? (failed.get(schemaId) as CodecError)
          : jsonRead === null
            ? this.readPayload(message, schemaId, writer, target, resolver)
            : this.readJson(message, schemaId, writer, target, resolver, jsonRead),
      );
    }
    return messages.length;
  }

  /** The resolver for a batch; a refusal is recorded in `failed` for every message of that id. */
  private batchResolver(
    reader: avro.Type | undefined,
    writer: avro.Type,
    schemaId: number,
    failed: Map<number, CodecError>,
  ): avro.Resolver | undefined {
    if (reader === undefined || reader === writer) return undefined;
    try {
      return this.resolver(reader, writer, schemaId);
    } catch (error) {
      failed.set(schemaId, error as CodecError);
      return undefined;
    }
  }

  /** Reads the value after the header; may throw for bytes avsc cannot interpret. */
  private readPayload(
    message: Buffer,
    schemaId: number,
    writerType: avro.Type,
    target: avro.Type,
    resolver: avro.Resolver | undefined,
  ): DecodedMessage | CodecError {
    const value = this.cursor.read(message, WIRE_HEADER_LENGTH, target, resolver);
    const end = this.cursor.end;
    if (end !== message.length) return payloadError(schemaId, end, message.length);
    return { schemaId, writerType, value };
  }

  /** readPayload into JSON: see decodeBatchJson. */
  private readJson(
    message: Buffer,
    schemaId: number,
    writerType: avro.Type,
    target: avro.Type,
    resolver: avro.Resolver | undefined,
    json: JsonRead,
  ): DecodedMessage | CodecError {
    const direct = json.direct;
    if (direct !== undefined) {
      let value: unknown;
      let read = true;
      try {
        value = direct.read(message, WIRE_HEADER_LENGTH);
      } catch {
        read = false;
      }
      if (read) {
        const end = direct.end;
        if (end !== message.length) return payloadError(schemaId, end, message.length);
        return { schemaId, writerType, value, json: true };
      }
    }
    // Resolution, or bytes the direct decoder would not interpret: avsc reads them (and names the problem).
    const decoded = this.readPayload(message, schemaId, writerType, target, resolver);
    if (decoded instanceof CodecError) return decoded;
    try {
      return { schemaId, writerType, value: avroToJson(json.tree, decoded.value), json: true };
    } catch {
      return decoded;
    }
  }

  /**
   * The JSON read of a (writer, reader) pair, compiled once. Direct when the two are canonically
   * equal: the bytes then mean the same under either, and the reader's schema gives the mapping
   * (its logical types, which the canonical form leaves out). null if the schema will not compile
   * to a mapping (the caller's own mapping then reports it, as before this path existed).
   */
  private jsonRead(writer: avro.Type, reader: avro.Type | undefined, json: JsonTarget): JsonRead | null {
    let byReader = this.jsonReads.get(writer);
    if (byReader === undefined) {
      byReader = new Map();
      this.jsonReads.set(writer, byReader);
    }
    const key = reader ?? writer;
    let read = byReader.get(key);
    if (read === undefined) {
      read = null;
      const schema = reader === undefined ? this.writerSchemas.get(writer) : json.schema;
      if (schema !== undefined) {
        try {
          const tree = parseAvroSchema(schema);
          const same = reader === undefined || reader === writer || reader.equals(writer);
          read = { tree, direct: same ? AvroJsonDecoder.compile(tree) : undefined };
        } catch {
          read = null;
        }
      }
      byReader.set(key, read);
    }
    return read;
  }

  private decodeWith(
    message: Buffer,
    schemaId: number,
    writerType: avro.Type,
    reader?: avro.Type,
  ): DecodedMessage {
    const resolver =
      reader && reader !== writerType ? this.resolver(reader, writerType, schemaId) : undefined;
    let result: DecodedMessage | CodecError;
    try {
      result = this.readPayload(message, schemaId, writerType, reader ?? writerType, resolver);
    } catch (error) {
      throw corruptPayload(schemaId, error);
    } finally {
      this.cursor.release();
    }
    if (result instanceof CodecError) throw result;
    return result;
  }

  /** The avsc Type of a registered schema id (cached; a failed lookup is not cached). */
  writerType(schemaId: number): Promise<avro.Type> {
    let pending = this.writerTypes.get(schemaId);
    if (pending === undefined) {
      pending = this.lookup(schemaId);
      this.writerTypes.set(schemaId, pending);
      pending.catch(() => this.writerTypes.delete(schemaId));
    }
    return pending;
  }

  private async lookup(schemaId: number): Promise<avro.Type> {
    let schema: AvroSchemaJson;
    try {
      schema = await this.schemas.schemaById(schemaId);
    } catch (error) {
      if (error instanceof UnknownSchemaIdError) {
        throw new CodecError('UNKNOWN_SCHEMA_ID', error.message, false, { cause: error });
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new CodecError('SCHEMA_LOOKUP_FAILED', `could not fetch schema ${schemaId}: ${reason}`, true, {
        cause: error,
      });
    }
    const type = createAvroType(schema);
    this.writerSchemas.set(type, schema);
    this.loaded.set(schemaId, type);
    return type;
  }

  private resolver(reader: avro.Type, writer: avro.Type, schemaId: number): avro.Resolver {
    let byWriter = this.resolvers.get(reader);
    if (byWriter === undefined) {
      byWriter = new Map();
      this.resolvers.set(reader, byWriter);
    }
    let resolver = byWriter.get(writer);
    if (resolver === undefined) {
      try {
        resolver = reader.createResolver(writer);
      } catch (error) {
        throw new CodecError(
          'UNRESOLVABLE_SCHEMAS',
          `data written with schema ${schemaId} cannot be read with the requested schema: ${(error as Error).message}`,
        );
      }
      byWriter.set(writer, resolver);
    }
    return resolver;
  }
}
