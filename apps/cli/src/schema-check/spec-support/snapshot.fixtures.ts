/** Builders for in-memory catalog snapshots, so rule specs state only what each case is about. */
import type { CompatibilityLevel } from '@app/schema';

import type { CatalogSnapshot, TypeSnapshot } from '../catalog-snapshot.reader';

export interface RecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: Array<Record<string, unknown>>;
}

export function record(
  name: string,
  fields: Array<Record<string, unknown>>,
  extra: object = {},
): RecordSchema {
  return { type: 'record', name, namespace: 'herald.payments', doc: 'A record.', fields, ...extra };
}

export function field(name: string, type: unknown, extra: object = {}): Record<string, unknown> {
  return { name, type, doc: `The ${name}.`, ...extra };
}

/**
 * An event type in domain `payments`; each schema becomes v1, v2, ... in order (a string is a file
 * that is not JSON). `unreadable` stands for an event.yaml whose level cannot be read.
 */
export function typeSnapshot(
  type: string,
  schemas: readonly unknown[],
  level: CompatibilityLevel | 'unreadable' = 'FULL_TRANSITIVE',
): TypeSnapshot {
  const folder = `payments/${type}`;
  return {
    type,
    domain: 'payments',
    folder,
    metadataFile: `${folder}/event.yaml`,
    level: level === 'unreadable' ? undefined : level,
    versions: schemas.map((schema, index) => {
      const text = typeof schema === 'string' ? schema : JSON.stringify(schema, null, 2);
      return {
        version: index + 1,
        file: `${folder}/v${index + 1}.avsc`,
        text,
        json: typeof schema === 'string' ? undefined : schema,
      };
    }),
  };
}

export function snapshot(...types: TypeSnapshot[]): CatalogSnapshot {
  return new Map(types.map((t) => [t.type, t]));
}
