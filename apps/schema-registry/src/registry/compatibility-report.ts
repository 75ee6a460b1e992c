/**
 * Runs the schema core's compatibility check for a candidate against stored versions and words
 * the outcome the way Confluent does: one `{errorType, description, additionalInfo}` entry per
 * problem, then the version it was found against and the level, so the 409 message and the
 * verbose compatibility answer name the field to fix and the version that forbids it.
 */
import {
  checkCompatibility,
  InvalidAvroSchemaError,
  type CompatibilityLevel,
  type LevelIncompatibility,
} from '@app/schema';
import type { CandidateSchema } from './candidate-schema';
import type { StoredVersion } from './registry-types';

export interface CompatibilityVerdict {
  readonly compatible: boolean;
  readonly messages: string[];
}

function unreadable(version: StoredVersion, reason: string): string {
  return `{errorType:'UNREADABLE_SCHEMA', description:'version ${version.version} is not a valid Avro schema: ${reason}'}`;
}

/** Why a stored version cannot be parsed, or undefined when it can. */
function parseProblem(version: StoredVersion): string | undefined {
  try {
    checkCompatibility('NONE', version.json ?? 'null', []);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidAvroSchemaError) return error.reason;
    throw error;
  }
}

function describeProblems(
  level: CompatibilityLevel,
  problems: readonly LevelIncompatibility[],
  previousNewestFirst: readonly StoredVersion[],
): string[] {
  const messages = problems.map((problem) => {
    const against = previousNewestFirst[problem.againstIndex]?.version ?? '?';
    const reading =
      problem.direction === 'backward'
        ? `the new schema cannot read data written with version ${against}`
        : `version ${against} cannot read data written with the new schema`;
    return `{errorType:'${problem.type}', description:'${reading}: ${problem.message}', additionalInfo:'${problem.path}'}`;
  });
  const againstIndexes = [...new Set(problems.map((p) => p.againstIndex))];
  for (const index of againstIndexes) {
    const version = previousNewestFirst[index];
    if (version !== undefined) messages.push(`{oldSchemaVersion: ${version.version}}`);
  }
  messages.push(`{compatibility: '${level}'}`);
  return messages;
}

/** Checks `candidate` against `previousNewestFirst` at `level` (transitive levels check them all). */
export function checkAgainstVersions(
  level: CompatibilityLevel,
  candidate: CandidateSchema,
  previousNewestFirst: readonly StoredVersion[],
): CompatibilityVerdict {
  const checked =
    level === 'NONE'
      ? []
      : level.endsWith('_TRANSITIVE')
        ? previousNewestFirst
        : previousNewestFirst.slice(0, 1);
  const foreign = checked.filter((v) => v.schemaType !== 'AVRO' || v.json === undefined);
  if (foreign.length > 0) {
    const messages = foreign.map((v) =>
      unreadable(
        v,
        v.schemaType === 'AVRO' ? 'the recorded text is not JSON' : `it is a ${v.schemaType} schema`,
      ),
    );
    return { compatible: false, messages: [...messages, `{compatibility: '${level}'}`] };
  }
  try {
    const result = checkCompatibility(
      level,
      candidate.json,
      previousNewestFirst.map((v) => v.json ?? 'null'),
    );
    if (result.compatible) return { compatible: true, messages: [] };
    return {
      compatible: false,
      messages: describeProblems(level, result.incompatibilities, previousNewestFirst),
    };
  } catch (error) {
    // The candidate was parsed before, so a refusal here is about a version read from the log.
    if (!(error instanceof InvalidAvroSchemaError)) throw error;
    const messages = checked.flatMap((version) => {
      const problem = parseProblem(version);
      return problem === undefined ? [] : [unreadable(version, problem)];
    });
    return { compatible: false, messages: messages.length > 0 ? messages : [error.message] };
  }
}
