/**
 * Compares an event type's local versions with what the registry holds under its subject. The
 * contract (docs/architecture.md) is that registry version N of `<type>-value` is `vN.avsc`, so a registry
 * version whose content differs from its file, a registry version with no file, or a gap the
 * registry can no longer fill in order are conflicts: pushing would break the N == vN mapping.
 */
import type { AvroSchemaJson, EventTypeDefinition, EventVersion } from '@app/schema';
import type { SubjectRegistryReader } from './push.ports';

export type SubjectConflict =
  | { readonly kind: 'version-differs'; readonly version: number; readonly file: string; readonly id: number }
  | { readonly kind: 'registry-ahead'; readonly versions: readonly number[] }
  | { readonly kind: 'version-gap'; readonly version: number; readonly file: string };

export interface SubjectComparison {
  readonly subject: string;
  /** Local versions the registry holds with the same content. */
  readonly published: readonly EventVersion[];
  /** Local versions the registry does not hold yet, ascending: what a push registers. */
  readonly missing: readonly EventVersion[];
  readonly conflicts: readonly SubjectConflict[];
}

export async function compareSubject(
  registry: SubjectRegistryReader,
  type: EventTypeDefinition,
): Promise<SubjectComparison> {
  const held = await registry.versions(type.subject);
  const newestHeld = Math.max(0, ...held);
  const published: EventVersion[] = [];
  const missing: EventVersion[] = [];
  const conflicts: SubjectConflict[] = [];
  for (const local of type.versions) {
    if (!held.includes(local.version)) {
      // Registering it now would give it a number after newestHeld, not its own.
      if (local.version < newestHeld)
        conflicts.push({ kind: 'version-gap', version: local.version, file: local.file });
      else missing.push(local);
      continue;
    }
    const differs = await versionDiffers(registry, type.subject, local);
    if (differs === undefined) published.push(local);
    else conflicts.push({ kind: 'version-differs', version: local.version, file: local.file, id: differs });
  }
  const ahead = held.filter((version) => version > type.versions.length);
  if (ahead.length > 0) conflicts.push({ kind: 'registry-ahead', versions: ahead });
  return { subject: type.subject, published, missing, conflicts };
}

/** The registry id of version N when its content differs from the file, else undefined. */
async function versionDiffers(
  registry: SubjectRegistryReader,
  subject: string,
  local: EventVersion,
): Promise<number | undefined> {
  const remote = await registry.version(subject, local.version);
  if (remote === undefined) return undefined;
  if (sameJson(remote.schema, local.schema)) return undefined;
  // The registry may store its own normal form; its lookup is the authority on identity.
  const found = await registry.lookup(subject, local.schema);
  return found?.version === local.version ? undefined : remote.id;
}

/** Equal as JSON values, whatever the key order or whitespace of either side. */
export function sameJson(a: AvroSchemaJson, b: AvroSchemaJson): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner)]));
}

/** A sentence per conflict, for push errors and check findings. */
export function describeConflict(subject: string, conflict: SubjectConflict): string {
  switch (conflict.kind) {
    case 'version-differs':
      return (
        `registry version ${conflict.version} of ${subject} (id ${conflict.id}) differs from ${conflict.file}: ` +
        'a published version is immutable; restore the file and add the change as a new version'
      );
    case 'registry-ahead':
      return (
        `the registry holds version(s) ${conflict.versions.join(', ')} of ${subject} that have no file here: ` +
        'pull the missing vN.avsc files (or check out a newer branch) before pushing'
      );
    case 'version-gap':
      return (
        `${conflict.file} is not in the registry, but ${subject} already has later versions there: ` +
        'it could no longer be registered as version ' +
        `${conflict.version} (was it deleted from the registry?)`
      );
  }
}
