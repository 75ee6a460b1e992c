/**
 * Can a reader schema read everything a writer schema writes? The answer for one pair, as the
 * Avro specification's "Schema Resolution" section and Java's `SchemaCompatibility` define it:
 * an empty list means compatible, otherwise every problem is listed.
 */
import type { Incompatibility } from './incompatibility';
import type { ChangedSide } from './incompatibility-messages';
import { reportIncompatibilities, type IncompatibilityReport } from './incompatibility-reporter';
import { PairVerdicts } from './pair-verdicts';
import { parseSchemaTree } from './schema-tree.parser';
import type { AvroSchemaJson, SchemaNode } from './schema-tree.types';

/**
 * Every reason data written with `writer` may fail to decode with `reader` (empty: compatible);
 * past MAX_REPORTED_INCOMPATIBILITIES the last entry's message says that more exist. Throws InvalidAvroSchemaError if either schema is not valid Avro.
 */
export function checkReaderWriter(reader: AvroSchemaJson, writer: AvroSchemaJson): Incompatibility[] {
  return findIncompatibilities(
    parseSchemaTree(reader, 'reader schema'),
    parseSchemaTree(writer, 'writer schema'),
    'either',
  ).found;
}

/** `changed` is the schema being changed, whose author the messages' remedies address. */
export function findIncompatibilities(
  reader: SchemaNode,
  writer: SchemaNode,
  changed: ChangedSide,
): IncompatibilityReport {
  const root = { reader, writer };
  return reportIncompatibilities(PairVerdicts.decide(root), root, changed);
}
