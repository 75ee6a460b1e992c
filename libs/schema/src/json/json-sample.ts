/**
 * A sample of a schema's data in Herald's JSON mapping (docs/json-avro-mapping.md), for a test
 * event when the catalog gives no example: fields with a default are left out (the mapping fills
 * them in, so the sample shows what a publisher who omits them sends), the others get a plain
 * value of their type. It walks the same schema model as the mapping itself, so whatever it
 * returns reads back through `JsonAvroMapping.fromJson` of the same schema.
 *
 * Values: strings `sample-<field>`, numbers 1, booleans true, bytes the base64 of `sample`,
 * fixed that many zero bytes, decimals 0, dates and timestamps `now`, UUIDs random, enums their
 * first symbol, arrays one item, maps one entry `key`, unions `null` when they allow it (else
 * their first branch, wrapped). Arrays and maps deeper than a few levels are empty, so a
 * recursive schema ends.
 */
import { randomUUID } from 'node:crypto';
import type { AvroSchemaJson } from '../avro-schema-json';
import { parseAvroSchema, type AvroNode } from '../model/avro-model';

export interface JsonSampleOptions {
  /** Dates and timestamps; default: the current time. */
  readonly now?: Date;
}

const MAX_DEPTH = 8;

export function jsonSample(schema: AvroSchemaJson, options: JsonSampleOptions = {}): unknown {
  return sample(parseAvroSchema(schema), 'value', 0, options.now ?? new Date());
}

function sample(node: AvroNode, name: string, depth: number, now: Date): unknown {
  switch (node.kind) {
    case 'null':
      return null;
    case 'boolean':
      return true;
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 1;
    case 'string':
      return `sample-${name}`;
    case 'bytes':
      return Buffer.from('sample').toString('base64');
    case 'fixed':
      return Buffer.alloc(node.size).toString('base64');
    case 'uuid':
      return randomUUID();
    case 'date':
      return now.toISOString().slice(0, 10);
    case 'timestamp':
      return now.toISOString();
    case 'decimal':
      return '0';
    case 'enum':
      return node.symbols[0];
    case 'array':
      return depth >= MAX_DEPTH ? [] : [sample(node.items, name, depth + 1, now)];
    case 'map':
      return depth >= MAX_DEPTH ? {} : { key: sample(node.values, name, depth + 1, now) };
    case 'record': {
      const record: Record<string, unknown> = {};
      for (const field of node.fields) {
        if (!field.hasDefault) record[field.name] = sample(field.node, field.name, depth + 1, now);
      }
      return record;
    }
    case 'union': {
      if (node.branches.some((b) => b.node.kind === 'null')) return null;
      const first = node.branches[0]!;
      return { [first.key]: sample(first.node, name, depth + 1, now) };
    }
  }
}
