// Checks the folder layout of a catalog, `<domain>/<domain>.<entity>.<verb>/{event.yaml,v<N>.avsc}`,
// without reading any file, and lists the event-type folders for the loader. Layout problems never stop
// the scan: everything that can be checked is, so one run reports every problem of the tree.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';

import { errorMessage } from './catalog.error';
import type { CatalogProblem } from './catalog.types';

export interface VersionFile {
  version: number;
  /** Relative to the catalog root. */
  file: string;
}

export interface EventTypeFolder {
  type: string;
  domain: string;
  /** Relative path of `event.yaml`; absent when the folder has none. */
  metadataFile?: string;
  /** Ascending by version. */
  versionFiles: VersionFile[];
}

export interface CatalogLayout {
  folders: EventTypeFolder[];
  problems: CatalogProblem[];
}

export const METADATA_FILE = 'event.yaml';
/** Documentation is the one thing allowed beside the domain folders. */
const ROOT_FILES = new Set(['README.md']);
const DOMAIN_NAME = /^[a-z][a-z0-9-]*$/;
const TYPE_NAME = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9_-]*$/;
/** Kafka's limit on topic names, and the type name is the topic name. */
const MAX_TOPIC_LENGTH = 249;
const VERSION_FILE = /^v([1-9][0-9]*)\.avsc$/;

export async function scanCatalogLayout(root: string): Promise<CatalogLayout> {
  const layout: CatalogLayout = { folders: [], problems: [] };
  const entries = await listFolder(root, '.', layout.problems);
  for (const entry of entries ?? []) {
    if (entry.isDirectory()) await scanDomain(root, entry.name, layout);
    else if (!(entry.isFile() && ROOT_FILES.has(entry.name))) {
      layout.problems.push(
        stray(entry, entry.name, 'the catalog root holds only domain folders and README.md'),
      );
    }
  }
  return layout;
}

async function scanDomain(root: string, domain: string, layout: CatalogLayout): Promise<void> {
  const validDomain = DOMAIN_NAME.test(domain);
  if (!validDomain) {
    layout.problems.push(
      folderProblem(domain, `domain folder name "${domain}" must match ${DOMAIN_NAME.source}`),
    );
  }
  for (const entry of (await listFolder(root, domain, layout.problems)) ?? []) {
    const dir = posix.join(domain, entry.name);
    if (!entry.isDirectory()) {
      layout.problems.push(stray(entry, dir, 'a domain folder holds only event-type folders'));
      continue;
    }
    layout.problems.push(...typeNameProblems(entry.name, dir, validDomain ? domain : undefined));
    layout.folders.push(await scanEventType(root, domain, dir, layout.problems));
  }
}

/** `domain` is left out when the domain folder's own name is invalid, to report that mistake only once. */
function typeNameProblems(type: string, dir: string, domain: string | undefined): CatalogProblem[] {
  if (!TYPE_NAME.test(type)) {
    const rule = `<domain>.<entity>.<past-tense-verb> (${TYPE_NAME.source})`;
    return [folderProblem(dir, `event-type folder name "${type}" must be ${rule}`)];
  }
  if (type.length > MAX_TOPIC_LENGTH) {
    return [
      folderProblem(
        dir,
        `event type "${type}" is longer than Kafka's ${MAX_TOPIC_LENGTH}-character topic limit`,
      ),
    ];
  }
  if (domain !== undefined && type.split('.')[0] !== domain) {
    return [
      folderProblem(dir, `event type "${type}" must start with its domain folder's name, "${domain}."`),
    ];
  }
  return [];
}

async function scanEventType(
  root: string,
  domain: string,
  dir: string,
  problems: CatalogProblem[],
): Promise<EventTypeFolder> {
  const folder: EventTypeFolder = { type: posix.basename(dir), domain, versionFiles: [] };
  for (const entry of (await listFolder(root, dir, problems)) ?? []) {
    const file = posix.join(dir, entry.name);
    const version = entry.isFile() ? VERSION_FILE.exec(entry.name)?.[1] : undefined;
    if (version !== undefined) folder.versionFiles.push({ version: Number(version), file });
    else if (entry.isFile() && entry.name === METADATA_FILE) folder.metadataFile = file;
    else
      problems.push(
        stray(entry, file, `an event-type folder holds only ${METADATA_FILE} and v1.avsc, v2.avsc, ...`),
      );
  }
  folder.versionFiles.sort((a, b) => a.version - b.version);
  if (folder.metadataFile === undefined) {
    problems.push({ file: posix.join(dir, METADATA_FILE), pointer: '', message: `missing ${METADATA_FILE}` });
  }
  problems.push(...versionGapProblems(dir, folder.versionFiles));
  return folder;
}

/**
 * Registry version N is file vN, so versions must run from 1 without gaps. Each gap is one problem,
 * reported at its first missing file (a typo such as v100.avsc must not produce 98 problems).
 */
function versionGapProblems(dir: string, files: readonly VersionFile[]): CatalogProblem[] {
  const versions = files.map((f) => f.version);
  const found = versions.length === 0 ? 'none' : versions.map((v) => `v${v}`).join(', ');
  const gap = (first: number, last: number): CatalogProblem => {
    const missing = first === last ? `v${first}.avsc` : `v${first}.avsc to v${last}.avsc`;
    const message = `missing ${missing}: versions must be contiguous from v1 (found ${found})`;
    return { file: posix.join(dir, `v${first}.avsc`), pointer: '', message };
  };
  if (versions.length === 0) return [gap(1, 1)];
  const problems: CatalogProblem[] = [];
  let expected = 1;
  for (const version of versions) {
    if (version > expected) problems.push(gap(expected, version - 1));
    expected = version + 1;
  }
  return problems;
}

/** Entries sorted by name, so problems come out in the same order on every machine. */
async function listFolder(
  root: string,
  dir: string,
  problems: CatalogProblem[],
): Promise<Dirent[] | undefined> {
  try {
    const entries = await readdir(join(root, dir), { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    problems.push({ file: dir, pointer: '', message: `cannot read folder: ${errorMessage(error)}` });
    return undefined;
  }
}

function stray(entry: Dirent, file: string, rule: string): CatalogProblem {
  const kind = entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'entry';
  return { file, pointer: '', message: `unexpected ${kind}: ${rule}` };
}

function folderProblem(dir: string, message: string): CatalogProblem {
  return { file: dir, pointer: '', message };
}
