/**
 * Checks each version of an event type against the earlier ones at the type's level, with the
 * checker from @app/schema. History is what the registry holds: where the git base has a version,
 * its published content is used, not an edited copy. With a base, a published version is re-checked
 * only when the level changed, since nothing can fix an old pair any more but a level change can
 * be taken back; without a base, every pair is checked.
 */
import {
  InvalidAvroSchemaError,
  checkCompatibility,
  type AvroSchemaJson,
  type CompatibilityLevel,
  type LevelIncompatibility,
} from '@app/schema';

import type { TypeSnapshot } from './catalog-snapshot.reader';
import type { Finding } from './finding.types';

interface CheckedVersion {
  readonly version: number;
  readonly file: string;
  readonly schema: unknown;
  readonly published: boolean;
}

/** `current` must have passed the catalog rule: contiguous versions, every one valid Avro. */
export function compatibilityFindings(current: TypeSnapshot, published: TypeSnapshot | undefined): Finding[] {
  const level = current.level;
  if (level === undefined || level === 'NONE') return [];
  const recheckPublished = published === undefined || published.level !== level;
  const history: CheckedVersion[] = current.versions.map((now) => {
    const old = published?.versions.find((v) => v.version === now.version);
    const schema = old?.json !== undefined ? old.json : now.json;
    return { version: now.version, file: now.file, schema, published: old !== undefined };
  });
  return history.flatMap((candidate, index) => {
    if (index === 0 || (candidate.published && !recheckPublished)) return [];
    return checkVersion(level, candidate, history.slice(0, index).reverse());
  });
}

function checkVersion(
  level: CompatibilityLevel,
  candidate: CheckedVersion,
  earlierNewestFirst: readonly CheckedVersion[],
): Finding[] {
  let incompatibilities: LevelIncompatibility[];
  try {
    const previous = earlierNewestFirst.map((v) => v.schema as AvroSchemaJson);
    incompatibilities = checkCompatibility(
      level,
      candidate.schema as AvroSchemaJson,
      previous,
    ).incompatibilities;
  } catch (error) {
    if (!(error instanceof InvalidAvroSchemaError)) throw error;
    const message = `v${candidate.version} could not be checked against the earlier versions: ${error.message}`;
    return [{ rule: 'compatibility', file: candidate.file, pointer: '', message }];
  }
  return groupByLocation(candidate, earlierNewestFirst, incompatibilities).map((group) =>
    describeGroup(level, candidate, group),
  );
}

interface IncompatibilityGroup {
  readonly first: LevelIncompatibility;
  readonly pointer: string;
  readonly against: CheckedVersion[];
}

/** A transitive level finds the same problem once per earlier version: report it once, naming each. */
function groupByLocation(
  candidate: CheckedVersion,
  earlier: readonly CheckedVersion[],
  incompatibilities: readonly LevelIncompatibility[],
): IncompatibilityGroup[] {
  const groups = new Map<string, IncompatibilityGroup>();
  for (const incompatibility of incompatibilities) {
    const other = earlier[incompatibility.againstIndex];
    if (other === undefined) continue;
    // The finding belongs in the candidate: the reader backward, the writer forward. The checker's
    // message names the same spot, so the annotation and its text agree.
    const spot =
      incompatibility.direction === 'backward' ? incompatibility.readerPath : incompatibility.writerPath;
    const pointer = spot === '/' ? '' : spot;
    const key = `${incompatibility.direction} ${incompatibility.type} ${pointer}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { first: incompatibility, pointer, against: [other] });
    else group.against.push(other);
  }
  return [...groups.values()];
}

function describeGroup(
  level: CompatibilityLevel,
  candidate: CheckedVersion,
  group: IncompatibilityGroup,
): Finding {
  const { first, pointer, against } = group;
  const others = against.map((v) => `v${v.version}`).join(', ');
  const self = `v${candidate.version}`;
  // The checker's message speaks of "reader" and "writer": name which versions those are.
  const situation =
    first.direction === 'backward'
      ? `${self} cannot read data written with ${others} (${level} checks backward)`
      : `${others} cannot read data written with ${self} (${level} checks forward)`;
  return {
    rule: 'compatibility',
    file: candidate.file,
    pointer,
    message: `${situation}: ${first.message}`,
    incompatibility: { type: first.type, direction: first.direction },
  };
}
