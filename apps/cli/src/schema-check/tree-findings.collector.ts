/**
 * Runs every schema rule on a working tree, given the git base's copy when there is one. Types
 * the catalog rule found broken are not checked for compatibility (the checker needs valid Avro);
 * lint runs on every new or changed version file that is JSON at all. Paths stay relative to the
 * catalog root here; the runner places them in the workspace.
 */
import type { CatalogProblem } from '@app/schema';

import type { CatalogSnapshot, TypeSnapshot, VersionSnapshot } from './catalog-snapshot.reader';
import { compatibilityFindings } from './compatibility.rule';
import type { Finding } from './finding.types';
import { historyFindings } from './history.rules';
import { firstDifference } from './json-difference';
import { lintVersion } from './lint.rules';

export interface TreeInput {
  readonly head: CatalogSnapshot;
  readonly problems: readonly CatalogProblem[];
  /** Absent when the tree is checked alone. */
  readonly base?: { readonly snapshot: CatalogSnapshot; readonly label: string };
}

export function collectTreeFindings({ head, problems, base }: TreeInput): Finding[] {
  const catalog = problems.map((problem): Finding => ({
    rule: 'catalog',
    file: problem.file,
    pointer: problem.pointer,
    message: problem.message,
  }));
  const history = base === undefined ? [] : historyFindings(base.snapshot, head, base.label);
  const perType = [...head.values()].flatMap((type) => {
    const published = base?.snapshot.get(type.type);
    const broken = problems.some((p) => p.file === type.folder || p.file.startsWith(`${type.folder}/`));
    return [
      ...(broken ? [] : compatibilityFindings(type, published)),
      ...lintFindings(type, published, base !== undefined),
    ];
  });
  return [...catalog, ...history, ...perType];
}

function lintFindings(type: TypeSnapshot, published: TypeSnapshot | undefined, hasBase: boolean): Finding[] {
  const earlier: unknown[] = [];
  const findings: Finding[] = [];
  for (const version of type.versions) {
    const old = published?.versions.find((v) => v.version === version.version);
    if (version.json !== undefined && (!hasBase || isChanged(old, version))) {
      findings.push(
        ...lintVersion({
          domain: type.domain,
          file: version.file,
          version: version.version,
          schema: version.json,
          level: type.level,
          earlier: [...earlier],
        }),
      );
    }
    earlier.push(old?.json !== undefined ? old.json : version.json);
  }
  return findings;
}

function isChanged(old: VersionSnapshot | undefined, now: VersionSnapshot): boolean {
  return old === undefined || old.json === undefined || firstDifference(old.json, now.json) !== undefined;
}
