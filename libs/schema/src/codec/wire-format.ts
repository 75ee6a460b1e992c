/**
 * The Confluent wire format: byte 0 is the magic byte 0x00, bytes 1-4 the schema id
 * (big-endian, unsigned), then the Avro binary encoding of the value.
 */
import { CodecError } from './codec-errors';

export const MAGIC_BYTE = 0x00;
export const WIRE_HEADER_LENGTH = 5;

export interface WireMessage {
  readonly schemaId: number;
  /** The Avro binary part; a view into the message, not a copy. */
  readonly payload: Buffer;
}

export function writeWireHeader(target: Buffer, schemaId: number): void {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) {
    throw new CodecError('INVALID_DATA', `schema id must be an unsigned 32-bit integer, got ${schemaId}`);
  }
  target[0] = MAGIC_BYTE;
  target.writeUInt32BE(schemaId, 1);
}

export function parseWireMessage(message: Buffer): WireMessage {
  return { schemaId: readWireSchemaId(message), payload: message.subarray(WIRE_HEADER_LENGTH) };
}

/** Checks the header and returns the schema id; the Avro value starts at WIRE_HEADER_LENGTH. */
export function readWireSchemaId(message: Buffer): number {
  if (message.length < WIRE_HEADER_LENGTH) {
    throw new CodecError(
      'TRUNCATED_MESSAGE',
      `message has ${message.length} bytes; the Confluent wire format needs at least ${WIRE_HEADER_LENGTH}`,
    );
  }
  if (message[0] !== MAGIC_BYTE) {
    throw new CodecError(
      'BAD_MAGIC_BYTE',
      `first byte is 0x${(message[0] ?? 0).toString(16).padStart(2, '0')}, not the Confluent magic byte 0x00: ` +
        'this message was not written in the Confluent wire format',
    );
  }
  return message.readUInt32BE(1);
}
