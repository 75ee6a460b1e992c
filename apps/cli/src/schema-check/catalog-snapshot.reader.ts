/**
 * A forgiving read of a `schemas/` tree: every `<domain>/<type>/` folder with its event.yaml and
 * version files, whatever state they are in. The catalog loader refuses a broken tree as a whole;
 * the history, compatibility and lint rules instead need to see each type on its own, in the
 * working tree and in the git base alike, so one broken file does not hide the other types' results.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isCompatibilityLevel, type CompatibilityLevel } from '@app/schema';

export interface VersionSnapshot {
  readonly version: number;
  /** Relative to the catalog root, `/`-separated. */
  readonly file: string;
  readonly text: string;
  /** The parsed JSON, or undefined when the text is not JSON (the catalog rule reports that). */
  readonly json: unknown;
}

export interface TypeSnapshot {
  readonly type: string;
  readonly domain: string;
  /** `<domain>/<type>`, relative to the catalog root. */
  readonly folder: string;
  readonly metadataFile: string;
  /** The declared level, FULL_TRANSITIVE when event.yaml names none; undefined when unreadable. */
  readonly level: CompatibilityLevel | undefined;
  /** Ascending by version. */
  readonly versions: readonly VersionSnapshot[];
}

/** Event types by name. */
export type CatalogSnapshot = ReadonlyMap<string, TypeSnapshot>;

const VERSION_FILE = /^v([1-9][0-9]*)\.avsc$/;
const DEFAULT_LEVEL: CompatibilityLevel = 'FULL_TRANSITIVE';

export async function readCatalogSnapshot(root: string): Promise<CatalogSnapshot> {
  const types = new Map<string, TypeSnapshot>();
  for (const domain of await subfolders(root)) {
    for (const type of await subfolders(join(root, domain))) {
      types.set(type, await readType(root, domain, type));
    }
  }
  return types;
}

async function readType(root: string, domain: string, type: string): Promise<TypeSnapshot> {
  const folder = posix.join(domain, type);
  const entries = await listFolder(join(root, folder));
  const versions: VersionSnapshot[] = [];
  for (const entry of entries) {
    const version = entry.isFile() ? VERSION_FILE.exec(entry.name)?.[1] : undefined;
    if (version === undefined) continue;
    const file = posix.join(folder, entry.name);
    const text = await readFile(join(root, file), 'utf8');
    versions.push({ version: Number(version), file, text, json: parseJson(text) });
  }
  versions.sort((a, b) => a.version - b.version);
  const metadataFile = posix.join(folder, 'event.yaml');
  const metadataText = await readFile(join(root, metadataFile), 'utf8').catch(() => undefined);
  return { type, domain, folder, metadataFile, level: declaredLevel(metadataText), versions };
}

function declaredLevel(text: string | undefined): CompatibilityLevel | undefined {
  if (text === undefined) return undefined;
  let metadata: unknown;
  try {
    metadata = parseYaml(text);
  } catch {
    return undefined;
  }
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const level = (metadata as { compatibility?: unknown }).compatibility;
  if (level === undefined) return DEFAULT_LEVEL;
  return isCompatibilityLevel(level) ? level : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function subfolders(dir: string): Promise<string[]> {
  return (await listFolder(dir)).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

/** Sorted by name so findings come out in the same order everywhere; a missing folder is empty. */
async function listFolder(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
