/**
 * `herald schemas push` as a use case: for each event type of the catalog, in name order, it
 * brings the topic (partitions, retention, replication from the deployment's settings), the subject's compatibility level and the
 * registered versions to what the tree says. It first compares the subject with the tree and
 * writes nothing for a type whose registry state contradicts it (see subject-comparison.ts).
 * Re-running is a no-op: every step compares before it writes.
 */
import { isTopicWrite, planTopic, type ClusterFacts, type TopicSpec } from '@app/kafka';
import type { Catalog, EventTypeDefinition, EventVersion } from '@app/schema';
import type { SubjectRegistry, TopicAdminPort } from './push.ports';
import type { EventTypePush, PushAction } from './push.types';
import { compareSubject, describeConflict } from './subject-comparison';

export interface PushRequest {
  readonly catalog: Catalog;
  readonly dryRun: boolean;
  readonly registry: SubjectRegistry;
  readonly topics: TopicAdminPort;
  /** Replication of the topics it creates; unset fields take the brokers' defaults. */
  readonly replication?: TopicReplication;
  /** Called as each type finishes, so the command can show progress. */
  readonly onEventType?: (result: EventTypePush) => void;
}

export interface TopicReplication {
  readonly replicationFactor?: number;
  readonly minInsyncReplicas?: number;
  /** Create topics with one replica even on a cluster of 3 or more brokers. */
  readonly allowSingleReplica?: boolean;
}

export async function pushCatalog(request: PushRequest): Promise<EventTypePush[]> {
  const results: EventTypePush[] = [];
  let cluster: Promise<ClusterFacts> | undefined;
  const clusterFacts = () => (cluster ??= request.topics.cluster());
  for (const type of request.catalog.eventTypes) {
    const result = await pushEventType(request, type, clusterFacts);
    request.onEventType?.(result);
    results.push(result);
  }
  return results;
}

async function pushEventType(
  request: PushRequest,
  type: EventTypeDefinition,
  cluster: () => Promise<ClusterFacts>,
): Promise<EventTypePush> {
  const done: PushAction[] = [];
  const outcome = (errors: string[]): EventTypePush => ({
    type: type.type,
    topic: type.topic,
    subject: type.subject,
    status: errors.length > 0 ? 'failed' : done.some(isWrite) ? 'changed' : 'unchanged',
    actions: done,
    errors,
  });
  try {
    const comparison = await compareSubject(request.registry, type);
    if (comparison.conflicts.length > 0) {
      return outcome(comparison.conflicts.map((conflict) => describeConflict(type.subject, conflict)));
    }
    await syncTopic(request, type, await cluster(), done);
    await syncCompatibility(request, type, done);
    for (const version of comparison.missing) await registerVersion(request, type, version, done);
    return outcome([]);
  } catch (error) {
    return outcome([error instanceof Error ? error.message : String(error)]);
  }
}

function isWrite(action: PushAction): boolean {
  return action.target !== 'topic' || isTopicWrite(action);
}

async function syncTopic(
  request: PushRequest,
  type: EventTypeDefinition,
  cluster: ClusterFacts,
  done: PushAction[],
): Promise<void> {
  const { replicationFactor, minInsyncReplicas, allowSingleReplica } = request.replication ?? {};
  const spec: TopicSpec = {
    topic: type.topic,
    partitions: type.metadata.partitions,
    retentionMs: type.metadata.retentionMs,
    ...(replicationFactor === undefined ? {} : { replicationFactor }),
    ...(minInsyncReplicas === undefined ? {} : { minInsyncReplicas }),
  };
  const state = await request.topics.describe(type.topic);
  const changes = planTopic(spec, state, cluster, { allowSingleReplica });
  if (!request.dryRun) await request.topics.apply(spec, state, changes);
  done.push(...changes.map((change): PushAction => ({ target: 'topic', topic: type.topic, ...change })));
}

async function syncCompatibility(
  request: PushRequest,
  type: EventTypeDefinition,
  done: PushAction[],
): Promise<void> {
  const wanted = type.metadata.compatibility;
  const current = await request.registry.compatibility(type.subject);
  if (current === wanted) return;
  // Set before registering, so the registry checks new versions at the level the tree states.
  if (!request.dryRun) await request.registry.setCompatibility(type.subject, wanted);
  done.push({ target: 'compatibility', subject: type.subject, from: current, to: wanted });
}

async function registerVersion(
  request: PushRequest,
  type: EventTypeDefinition,
  local: EventVersion,
  done: PushAction[],
): Promise<void> {
  const planned = {
    target: 'version',
    subject: type.subject,
    version: local.version,
    file: local.file,
  } as const;
  if (request.dryRun) {
    done.push(planned);
    return;
  }
  const id = await request.registry.register(type.subject, local.schema);
  done.push({ ...planned, id });
  // The registry numbers versions itself (soft-deleted ones still count): confirm N == vN.
  const registered = await request.registry.lookup(type.subject, local.schema);
  if (registered?.version !== local.version) {
    throw new Error(
      `${local.file} was registered as version ${registered?.version ?? '?'} of ${type.subject}, not ` +
        `${local.version}: the registry's numbering no longer matches the files (deleted versions?)`,
    );
  }
}
