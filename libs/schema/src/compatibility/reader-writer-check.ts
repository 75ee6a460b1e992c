/**
 * Can a reader schema read everything a writer schema writes? The answer for one pair, as the
 * Avro specification's "Schema Resolution" section and Java's `SchemaCompatibility` define it:
 * an empty list means compatible, otherwise every problem is listed.
 */
import type { Incompatibility } from './incompatibility';
import type { ChangedSide } from './incompatibility-messages';
import { reportIncompatibilities, type IncompatibilityReport } from './incompatibility-reporter';
import { PairVerdicts } from './pair-verdicts';
import { parseCheckedSchema } from './checked-schema';
import type { AvroSchemaJson } from '../avro-schema-json';
import type { AvroNode } from '../model/avro-model';

/**
 * Every reason data written with `writer` may fail to decode with `reader` (empty: compatible);
 * past MAX_REPORTED_INCOMPATIBILITIES the last entry's message says that more exist. Throws InvalidAvroSchemaError if either schema is not valid Avro.
 */
export function checkReaderWriter(reader: AvroSchemaJson, writer: AvroSchemaJson): Incompatibility[] {
  return findIncompatibilities(
    parseCheckedSchema(reader, 'reader schema'),
    parseCheckedSchema(writer, 'writer schema'),
    'either',
  ).found;
}

/** `changed` is the schema being changed, whose author the messages' remedies address. */
export function findIncompatibilities(
  reader: AvroNode,
  writer: AvroNode,
  changed: ChangedSide,
): IncompatibilityReport {
  const root = { reader, writer };
  return reportIncompatibilities(PairVerdicts.decide(root), root, changed);
}
