/**
 * How `herald publish` prints outcomes. Text: accepted events on stdout, one line each; a
 * rejection on stderr with the problem's detail and every `path: message`. JSON: one object per
 * event on stdout (NDJSON), accepted or rejected, so a script can pipe it to jq.
 */
import type { PublicationOutcome } from './event-publication';

export interface RenderedOutcomes {
  readonly stdout: string;
  readonly stderr: string;
}

function where(line: number | undefined): string {
  return line === undefined ? '' : `line ${line}: `;
}

function acceptedText(outcome: Extract<PublicationOutcome, { status: 'accepted' }>): string {
  const r = outcome.result;
  const duplicate = r.duplicate ? '  (duplicate: already published, nothing new written)' : '';
  return `${where(outcome.line)}accepted ${r.id}  ${r.type} v${r.version}  → ${r.topic} partition ${r.partition} offset ${r.offset}${duplicate}\n`;
}

function rejectedText(outcome: Extract<PublicationOutcome, { status: 'rejected' }>): string {
  const error = outcome.error;
  const id = outcome.id === undefined ? '' : ` ${outcome.id}`;
  const detail = error.detail === undefined ? '' : `: ${error.detail}`;
  const paths = error.errors.map((violation) => `  ${violation.path}: ${violation.message}\n`).join('');
  return `${where(outcome.line)}rejected${id}  ${error.status} ${error.title}${detail}\n${paths}`;
}

function outcomeJson(outcome: PublicationOutcome): Record<string, unknown> {
  const line = outcome.line === undefined ? {} : { line: outcome.line };
  if (outcome.status === 'accepted') {
    return { status: 'accepted', ...line, ...outcome.result, duplicate: outcome.result.duplicate === true };
  }
  return {
    status: 'rejected',
    ...line,
    ...(outcome.id === undefined ? {} : { id: outcome.id }),
    problem: outcome.error.problem,
  };
}

export function renderOutcomes(
  outcomes: readonly PublicationOutcome[],
  format: 'text' | 'json',
): RenderedOutcomes {
  if (format === 'json') {
    return { stdout: outcomes.map((o) => `${JSON.stringify(outcomeJson(o))}\n`).join(''), stderr: '' };
  }
  let stdout = '';
  let stderr = '';
  for (const outcome of outcomes) {
    if (outcome.status === 'accepted') stdout += acceptedText(outcome);
    else stderr += rejectedText(outcome);
  }
  const rejected = outcomes.filter((o) => o.status === 'rejected').length;
  if (outcomes.length > 1) {
    const summary = `${outcomes.length - rejected} accepted, ${rejected} rejected\n`;
    if (rejected > 0) stderr += summary;
    else stdout += summary;
  }
  return { stdout, stderr };
}
