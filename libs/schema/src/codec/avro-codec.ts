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
    const results: Array<DecodedMessage | CodecError> = [];
    const failed = new Map<number, CodecError>();
    let next = this.decodeLoaded(messages, 0, results, reader, failed);
    while (next < messages.length) {
      // messages[next] has a valid header naming a schema not fetched yet.
      const schemaId = readWireSchemaId(messages[next] as Buffer);
      const failure = await this.writerType(schemaId).then(
        () => undefined,
        (e: CodecError) => e,
      );
      if (failure !== undefined) failed.set(schemaId, failure);
      next = this.decodeLoaded(messages, next, results, reader, failed);
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
  ): number {
    let from = start;
    for (;;) {
      try {
        return this.decodeRun(messages, from, results, reader, failed);
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
  ): number {
    // Per schema id, not per message: the writer type, the target type and the resolver.
    let lastId = -1;
    let writer: avro.Type | undefined;
    let target: avro.Type | undefined;
    let resolver: avro.Resolver | undefined;
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
      }
      results.push(
        writer === undefined || target === undefined
          ? (failed.get(schemaId) as CodecError)
          : this.readPayload(message, schemaId, writer, target, resolver),
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
