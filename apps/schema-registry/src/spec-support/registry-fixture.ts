/**
 * A registry wired to an in-memory log for domain tests, plus small Avro schema builders.
 */
import type { SchemaLog } from '../registry/schema-log.port';
import { InMemorySchemaLog } from '../storage/in-memory-schema-log';
import { CompatibilityTester } from '../registry/compatibility-tester';
import { RegistrySettings } from '../registry/registry-settings';
import { RegistryStore, type RegistryStoreOptions } from '../registry/registry-store';
import { SchemaDeletion } from '../registry/schema-deletion';
import { SchemaQueries } from '../registry/schema-queries';
import { SchemaRegistration } from '../registry/schema-registration';
import { SubjectQueries } from '../registry/subject-queries';

export interface RegistryFixture {
  readonly store: RegistryStore;
  readonly registration: SchemaRegistration;
  readonly deletion: SchemaDeletion;
  readonly settings: RegistrySettings;
  readonly subjects: SubjectQueries;
  readonly schemas: SchemaQueries;
  readonly compatibility: CompatibilityTester;
}

export function registryOn(log: SchemaLog, options?: RegistryStoreOptions): RegistryFixture {
  const store = new RegistryStore(log, options);
  return {
    store,
    registration: new SchemaRegistration(store),
    deletion: new SchemaDeletion(store),
    settings: new RegistrySettings(store),
    subjects: new SubjectQueries(store),
    schemas: new SchemaQueries(store),
    compatibility: new CompatibilityTester(store),
  };
}

/** A started registry on a fresh (or seeded) in-memory log. */
export async function startedRegistry(
  log = new InMemorySchemaLog(),
): Promise<RegistryFixture & { readonly log: InMemorySchemaLog }> {
  const fixture = registryOn(log);
  await fixture.store.start();
  return { ...fixture, log };
}

export type FieldSpec = { readonly name: string; readonly type: unknown; readonly default?: unknown };

/** The schema text of a record with the given fields. */
export function recordSchema(name: string, fields: readonly FieldSpec[]): string {
  return JSON.stringify({ type: 'record', name, namespace: 'test', fields });
}

/** `{ schema }` request input for a record. */
export function recordInput(name: string, fields: readonly FieldSpec[]): { schema: string } {
  return { schema: recordSchema(name, fields) };
}

export const USER_V1 = recordInput('User', [{ name: 'id', type: 'string' }]);
/** Adds a field with a default: backward and forward compatible with V1. */
export const USER_V2 = recordInput('User', [
  { name: 'id', type: 'string' },
  { name: 'email', type: 'string', default: '' },
]);
/** Adds a field without a default: not backward compatible with V1 or V2. */
export const USER_NO_DEFAULT = recordInput('User', [
  { name: 'id', type: 'string' },
  { name: 'age', type: 'int' },
]);
