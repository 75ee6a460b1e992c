// Loads one event-type folder found by the layout scan: its event.yaml and every version, each file
// checked on its own so that all problems of the folder are reported together.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { types } from 'avsc';

import { markValidatedAvroSchema } from '../compatibility/checked-schema';
import { parseRecordSchema } from './avro-schema.parser';
import type { EventTypeFolder, VersionFile } from './catalog-layout.scanner';
import { errorMessage } from './catalog.error';
import type {
  AvroSchemaJson,
  CatalogProblem,
  EventMetadata,
  EventTypeDefinition,
  EventVersion,
  FileProblem,
} from './catalog.types';
import { parseEventMetadata } from './event-metadata.parser';
import { parseJsonText } from './json-text.parser';
import { routingFieldProblems } from './routing-fields.checker';

export interface EventTypeLoad {
  /** Present when the folder's own files had no problems (layout problems are the scanner's). */
  definition?: EventTypeDefinition;
  problems: CatalogProblem[];
}

interface LoadedVersion {
  version: EventVersion;
  recordType: types.RecordType;
}

export async function loadEventType(root: string, folder: EventTypeFolder): Promise<EventTypeLoad> {
  const problems: CatalogProblem[] = [];
  const [metadata, ...versions] = await Promise.all([
    loadMetadata(root, folder.metadataFile, problems),
    ...folder.versionFiles.map((file) => loadVersion(root, file, problems)),
  ]);
  const loaded = versions.filter((v): v is LoadedVersion => v !== undefined);
  if (metadata !== undefined) {
    for (const { version, recordType } of loaded) {
      problems.push(...inFile(version.file, routingFieldProblems(recordType, metadata)));
    }
  }
  const latest = loaded.at(-1)?.version;
  if (problems.length > 0 || metadata === undefined || latest === undefined) return { problems };
  const definition: EventTypeDefinition = {
    type: folder.type,
    domain: folder.domain,
    topic: folder.type,
    subject: `${folder.type}-value`,
    metadata,
    versions: loaded.map((v) => v.version),
    latest,
  };
  return { definition, problems };
}

async function loadMetadata(
  root: string,
  file: string | undefined,
  problems: CatalogProblem[],
): Promise<EventMetadata | undefined> {
  const text = file === undefined ? undefined : await readText(root, file, problems);
  if (file === undefined || text === undefined) return undefined;
  const parsed = parseEventMetadata(text);
  if (parsed.ok) return parsed.metadata;
  problems.push(...inFile(file, parsed.problems));
  return undefined;
}

async function loadVersion(
  root: string,
  { version, file }: VersionFile,
  problems: CatalogProblem[],
): Promise<LoadedVersion | undefined> {
  const text = await readText(root, file, problems);
  if (text === undefined) return undefined;
  const reject = (found: readonly FileProblem[]): undefined => {
    problems.push(...inFile(file, found));
    return undefined;
  };
  const json = parseJsonText(text);
  if (!json.ok) return reject(json.problems);
  const parsed = parseRecordSchema(json.value);
  if (!parsed.ok) return reject(parsed.problems);
  // parseRecordSchema accepted the value as an Avro record schema, so it is schema JSON.
  const schema = json.value as AvroSchemaJson;
  markValidatedAvroSchema(schema as object);
  return {
    version: { version, file, schema, canonical: parsed.canonical, fingerprint: parsed.fingerprint },
    recordType: parsed.type,
  };
}

async function readText(root: string, file: string, problems: CatalogProblem[]): Promise<string | undefined> {
  try {
    return await readFile(join(root, file), 'utf8');
  } catch (error) {
    problems.push({ file, pointer: '', message: `cannot read file: ${errorMessage(error)}` });
    return undefined;
  }
}

function inFile(file: string, problems: readonly FileProblem[]): CatalogProblem[] {
  return problems.map((problem) => ({ file, ...problem }));
}
