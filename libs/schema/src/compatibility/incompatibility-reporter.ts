/**
 * Lists every incompatibility of a decided pair graph with its location in the reader schema.
 * It walks the reader from the root and only enters pairs already known to be incompatible, so
 * it never reports a problem that resolution would not hit. A pair already being walked is not
 * entered again (its problems are listed at the outer location), which ends recursive types.
 *
 * A named type reused in many places is reported at each place, which is what an author needs
 * to find them; a cap bounds the list for pathological schemas that reuse types exponentially,
 * and a list cut at the cap says so, in its flag and in its last sentence, so nobody reads it
 * as complete.
 */
import { jsonPointer, type Incompatibility } from './incompatibility';
import {
  NO_STEPS,
  type ChangedSide,
  type IncompatibilityDraft,
  type PointerSteps,
} from './incompatibility-messages';
import type { PairEntry, PairVerdicts } from './pair-verdicts';
import type { SchemaPair } from './resolution-rules';

export const MAX_REPORTED_INCOMPATIBILITIES = 1000;

export interface IncompatibilityReport {
  readonly found: Incompatibility[];
  /** True when more incompatibilities exist than the MAX_REPORTED_INCOMPATIBILITIES listed. */
  readonly truncated: boolean;
}

export function reportIncompatibilities(
  verdicts: PairVerdicts,
  root: SchemaPair,
  changed: ChangedSide,
): IncompatibilityReport {
  const found: Incompatibility[] = [];
  const walking = new Set<PairEntry>();
  let truncated = false;

  const report = (draft: IncompatibilityDraft, at: PointerSteps): void => {
    if (found.length >= MAX_REPORTED_INCOMPATIBILITIES) {
      truncated = true;
      return;
    }
    const problem = followSteps(at, draft.steps);
    found.push({
      type: draft.type,
      path: jsonPointer(problem.path),
      readerPath: jsonPointer(problem.reader),
      writerPath: jsonPointer(problem.writer),
      message: draft.message({
        reader: { node: jsonPointer(at.reader), problem: jsonPointer(problem.reader) },
        writer: { node: jsonPointer(at.writer), problem: jsonPointer(problem.writer) },
        changed,
      }),
    });
  };

  // A union branch that fails only because of a pair being walked repeats problems listed at the
  // outer location (a list whose `next` holds the same broken list), so it is not reported again.
  const readableHere = (candidate: SchemaPair): boolean => verdicts.isCompatibleAssuming(candidate, walking);

  const walk = (pair: SchemaPair, at: PointerSteps): void => {
    const entry = verdicts.entry(pair);
    if (entry.compatible || walking.has(entry)) return;
    walking.add(entry);
    for (const obligation of entry.obligations) {
      if (truncated) break;
      switch (obligation.kind) {
        case 'violation':
          report(obligation.draft, at);
          break;
        case 'descend':
          walk(obligation.pair, followSteps(at, obligation.steps));
          break;
        case 'any-of':
          if (!obligation.candidates.some((candidate) => readableHere(candidate))) {
            report(obligation.otherwise, at);
          }
          break;
      }
    }
    walking.delete(entry);
  };

  walk(root, NO_STEPS);
  if (truncated) markTruncated(found);
  return { found, truncated };
}

function followSteps(from: PointerSteps, steps: PointerSteps): PointerSteps {
  return {
    path: [...from.path, ...steps.path],
    reader: [...from.reader, ...steps.reader],
    writer: [...from.writer, ...steps.writer],
  };
}

function markTruncated(found: Incompatibility[]): void {
  const last = found.length - 1;
  const entry = found[last];
  if (entry === undefined) return;
  found[last] = {
    ...entry,
    message: `${entry.message} (the list stops here at ${MAX_REPORTED_INCOMPATIBILITIES} incompatibilities; more exist)`,
  };
}
