/** The audit API's JSON representation of a stored event (one item of a page, one export line). */
import type { StoredAuditEvent } from '../domain/audit-event';

export interface AuditEventView {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly schemaId: number;
  readonly source: string;
  readonly subject: string | null;
  readonly key: string | null;
  readonly time: string;
  readonly eventTime: string;
  readonly data: unknown;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly kafkaTimestamp: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly ingestedAt: string;
  readonly sequence: string;
  readonly prevHash: string;
  readonly hash: string;
}

export function toView(event: StoredAuditEvent): AuditEventView {
  const { eventId, ...rest } = event;
  return { id: eventId, ...rest };
}
