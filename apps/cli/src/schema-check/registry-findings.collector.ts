/**
 * `schemas check --against registry:<url>`: what the deployed registry says about the tree. It
 * reuses the comparison `schemas push` makes before writing, so check predicts push: a version
 * the registry holds with other content, versions the registry holds without a file (or a gap
 * before them), and versions not registered yet. Compatibility with the deployed versions
 * follows from the tree's own check, since every deployed version must equal its file.
 */
import { posix } from 'node:path';
import { RegistryClient, RegistryError } from '@app/registry-client';
import { cliRegistry } from '../cli-config';
import type { Catalog, EventTypeDefinition } from '@app/schema';

import { compareSubject, describeConflict, type SubjectConflict } from '../schema-push/subject-comparison';
import type { SubjectRegistryReader } from '../schema-push/push.ports';
import type { Finding } from './finding.types';
import { SchemaCheckUsageError } from './schema-check.error';

export async function collectRegistryFindings(catalog: Catalog, url: string): Promise<Finding[]> {
  if (!/^https?:\/\/./.test(url)) {
    throw new SchemaCheckUsageError(
      `--against registry:${url} needs an http(s) URL, e.g. registry:http://127.0.0.1:8081`,
    );
  }
  return registryFindings(catalog, new RegistryClient(cliRegistry(url)), url);
}

export async function registryFindings(
  catalog: Catalog,
  registry: SubjectRegistryReader,
  url: string,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const type of catalog.eventTypes) {
    try {
      findings.push(...(await typeFindings(registry, type)));
    } catch (error) {
      if (error instanceof RegistryError && error.retriable) {
        throw new SchemaCheckUsageError(
          `cannot compare with the schema registry at ${url}: ${error.message}`,
        );
      }
      throw error;
    }
  }
  return findings;
}

async function typeFindings(registry: SubjectRegistryReader, type: EventTypeDefinition): Promise<Finding[]> {
  const comparison = await compareSubject(registry, type);
  const conflicts = comparison.conflicts.map((conflict) => conflictFinding(type, conflict));
  const missing = comparison.missing.map((version): Finding => ({
    rule: 'registry-version-missing',
    file: version.file,
    pointer: '',
    message: `not in the registry yet: herald schemas push registers it as version ${version.version} of ${type.subject}`,
  }));
  return [...conflicts, ...missing];
}

function conflictFinding(type: EventTypeDefinition, conflict: SubjectConflict): Finding {
  const message = describeConflict(type.subject, conflict);
  switch (conflict.kind) {
    case 'version-differs':
      return { rule: 'registry-version-edited', file: conflict.file, pointer: '', message };
    case 'version-gap':
      return { rule: 'registry-ahead', file: conflict.file, pointer: '', message };
    case 'registry-ahead':
      return { rule: 'registry-ahead', file: posix.dirname(type.latest.file), pointer: '', message };
  }
}
