/**
 * "Would this schema be accepted?" without registering it. Against one version the candidate
 * is checked with that version only; against the subject it is checked exactly as registration
 * would check it (all live versions, transitively when the level says so).
 */
import { parseCandidateSchema, type SchemaInput } from './candidate-schema';
import { checkAgainstVersions, type CompatibilityVerdict } from './compatibility-report';
import type { RegistryStore } from './registry-store';
import { findVersion } from './subject-queries';
import { parseVersionRef } from './version-id';

export class CompatibilityTester {
  constructor(private readonly store: RegistryStore) {}

  /** `latest` on a subject with no live version is compatible: the first version always is. */
  async againstVersion(
    subject: string,
    versionId: string,
    input: SchemaInput,
  ): Promise<CompatibilityVerdict> {
    const ref = parseVersionRef(versionId);
    const candidate = parseCandidateSchema(input);
    const state = await this.store.read();
    if (ref === 'latest' && state.versions(subject, 'live').length === 0) {
      return { compatible: true, messages: [] };
    }
    const target = findVersion(state, subject, versionId, false);
    return checkAgainstVersions(state.effectiveLevel(subject), candidate, [target]);
  }

  async againstSubject(subject: string, input: SchemaInput): Promise<CompatibilityVerdict> {
    const candidate = parseCandidateSchema(input);
    const state = await this.store.read();
    const previous = state.versions(subject, 'live').reverse();
    return checkAgainstVersions(state.effectiveLevel(subject), candidate, previous);
  }
}
