/**
 * The rules that compare the working tree with the git base: what is published stays published.
 * A version file's content, an event type, a type's name (its topic and subject) and the strength
 * of its compatibility level are promises to running producers and consumers, so none of these
 * findings can be disabled.
 */
import { isJsonObject, levelImplies, levelRule, type CompatibilityLevel } from '@app/schema';

import type { CatalogSnapshot, TypeSnapshot, VersionSnapshot } from './catalog-snapshot.reader';
import type { Finding } from './finding.types';
import { firstDifference } from './json-difference';

/** `baseLabel` names the base in messages (`origin/main`), so authors know where to restore from. */
export function historyFindings(base: CatalogSnapshot, head: CatalogSnapshot, baseLabel: string): Finding[] {
  const findings: Finding[] = [];
  const newTypes = [...head.values()].filter((type) => !base.has(type.type));
  for (const published of base.values()) {
    const current = head.get(published.type);
    if (current !== undefined) {
      findings.push(...versionFindings(published, current, baseLabel), ...levelFindings(published, current));
      continue;
    }
    const successor = newTypes.find((candidate) => repeatsVersions(published, candidate));
    if (successor === undefined) findings.push(removedType(published, baseLabel));
    else {
      newTypes.splice(newTypes.indexOf(successor), 1);
      findings.push(renamedType(published, successor));
    }
  }
  return findings;
}

function versionFindings(published: TypeSnapshot, current: TypeSnapshot, baseLabel: string): Finding[] {
  return published.versions.flatMap((old): Finding[] => {
    const now = current.versions.find((v) => v.version === old.version);
    if (now === undefined) {
      return [
        {
          rule: 'version-deleted',
          file: old.file,
          pointer: '',
          message:
            `v${old.version} of ${published.type} is published (it exists in ${baseLabel}) and was deleted: ` +
            `registry version ${old.version} and the data written with it still exist; restore the file`,
        },
      ];
    }
    const changedAt = changedPointer(old, now);
    if (changedAt === undefined) return [];
    return [
      {
        rule: 'version-edited',
        file: now.file,
        pointer: changedAt,
        message:
          `v${old.version} of ${published.type} is published and immutable, but its content changed` +
          `${changedAt === '' ? '' : ` at ${changedAt}`}: restore it from ${baseLabel} and put the change ` +
          `in a new version, v${Math.max(...current.versions.map((v) => v.version)) + 1}.avsc`,
      },
    ];
  });
}

/** Parsed JSON decides, so reformatting is no edit; text decides only when one side is not JSON. */
function changedPointer(old: VersionSnapshot, now: VersionSnapshot): string | undefined {
  if (old.json === undefined || now.json === undefined) return old.text === now.text ? undefined : '';
  return firstDifference(old.json, now.json);
}

function levelFindings(published: TypeSnapshot, current: TypeSnapshot): Finding[] {
  const [older, newer] = [published.level, current.level];
  if (older === undefined || newer === undefined || levelImplies(newer, older)) return [];
  return [
    {
      rule: 'level-loosened',
      file: current.metadataFile,
      pointer: '/compatibility',
      message:
        `compatibility of ${current.type} was loosened from ${older} to ${newer}, which ${whatIsLost(older, newer)}: ` +
        `readers and writers already rely on ${older}; keep it or choose a level that implies it`,
    },
  ];
}

/** What `newer` no longer checks that `older` did, e.g. "drops the forward checks". */
function whatIsLost(older: CompatibilityLevel, newer: CompatibilityLevel): string {
  const was = levelRule(older);
  const now = levelRule(newer);
  if (now.directions.length === 0) return 'checks nothing';
  const dropped = was.directions.filter((d) => !now.directions.includes(d));
  return [
    ...(dropped.length === 0 ? [] : [`drops the ${dropped.join(' and ')} checks`]),
    // A non-transitive level compares a new version with the latest one only.
    ...(was.transitive && !now.transitive
      ? [
          `checks a new version against the latest version only, not against every earlier one as ${older} does`,
        ]
      : []),
  ].join(' and ');
}

/**
 * A new type that carries every version of a removed one, record fields equal version by version,
 * is that type renamed (record name and namespace usually change along with the folder).
 */
function repeatsVersions(removed: TypeSnapshot, candidate: TypeSnapshot): boolean {
  if (removed.versions.length === 0 || candidate.versions.length < removed.versions.length) return false;
  return removed.versions.every((old) => {
    const now = candidate.versions.find((v) => v.version === old.version);
    const [a, b] = [old.json, now?.json];
    return isJsonObject(a) && isJsonObject(b) && firstDifference(a.fields, b.fields) === undefined;
  });
}

function removedType(published: TypeSnapshot, baseLabel: string): Finding {
  return {
    rule: 'type-removed',
    file: published.folder,
    pointer: '',
    message:
      `event type ${published.type} was removed, but it is published (it exists in ${baseLabel}): its topic, ` +
      'registry subject and data stay in use; restore the folder',
  };
}

function renamedType(removed: TypeSnapshot, successor: TypeSnapshot): Finding {
  const versions = removed.versions.map((v) => `v${v.version}`).join(', ');
  return {
    rule: 'type-renamed',
    file: successor.versions[0]?.file ?? successor.folder,
    pointer: '',
    message:
      `event type ${removed.type} was renamed to ${successor.type} (which repeats its ${versions}): a type's name ` +
      `is its Kafka topic and registry subject, so consumers and stored data stay on ${removed.type}; keep it ` +
      'and evolve it with a new version, or add the new type without removing the old one',
  };
}
