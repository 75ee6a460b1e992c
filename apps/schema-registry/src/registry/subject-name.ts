/**
 * Which subject names a write may create. Confluent accepts any string without ISO control
 * characters; the length bound keeps one record key far below Kafka's message size limit.
 * Reads never validate: a name that cannot exist is simply not found.
 */
import { InvalidSubjectError } from './registry-errors';

export const MAX_SUBJECT_LENGTH = 1_000;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export function assertValidSubject(subject: string): void {
  if (subject.length === 0) throw new InvalidSubjectError('the subject name is empty');
  if (subject.length > MAX_SUBJECT_LENGTH) {
    throw new InvalidSubjectError(`the subject name is longer than ${MAX_SUBJECT_LENGTH} characters`);
  }
  if (CONTROL_CHARACTER.test(subject)) {
    throw new InvalidSubjectError('the subject name contains a control character');
  }
}
