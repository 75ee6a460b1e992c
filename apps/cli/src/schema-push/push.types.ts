/** What `herald schemas push` did (or, with --dry-run, would do) for each event type. */
import type { CompatibilityLevel } from '@app/schema';
import type { TopicChange } from '@app/kafka';

export type PushAction =
  | ({ readonly target: 'topic'; readonly topic: string } & TopicChange)
  | {
      readonly target: 'compatibility';
      readonly subject: string;
      readonly from: CompatibilityLevel | undefined;
      readonly to: CompatibilityLevel;
    }
  | {
      readonly target: 'version';
      readonly subject: string;
      readonly version: number;
      readonly file: string;
      readonly id?: number;
    };

export type PushStatus = 'changed' | 'unchanged' | 'failed';

export interface EventTypePush {
  readonly type: string;
  readonly topic: string;
  readonly subject: string;
  readonly status: PushStatus;
  /** Done, or with --dry-run planned; `keep-partitions` is a notice that writes nothing. */
  readonly actions: readonly PushAction[];
  /** Why the type failed; nothing was written for it when these are conflicts. */
  readonly errors: readonly string[];
}

export interface PushReport {
  readonly registry: string;
  readonly brokers: readonly string[];
  readonly dryRun: boolean;
  readonly eventTypes: readonly EventTypePush[];
}

export function pushSummary(report: PushReport): Record<PushStatus, number> {
  const count = (status: PushStatus) => report.eventTypes.filter((t) => t.status === status).length;
  return { changed: count('changed'), unchanged: count('unchanged'), failed: count('failed') };
}
