/**
 * What `schemas push` and `schemas check --against registry:` need of the outside world. The
 * registry side is a subset of `RegistryClient` (@app/registry-client); the topic side is
 * `TopicAdmin` (@app/kafka). Unit tests pass small in-memory fakes.
 */
import type { AvroSchemaJson, CompatibilityLevel } from '@app/schema';
import type { ClusterFacts, TopicChange, TopicSpec, TopicState } from '@app/kafka';

export interface RegisteredVersion {
  readonly id: number;
  readonly version: number;
  readonly schema: AvroSchemaJson;
}

export interface SubjectRegistryReader {
  versions(subject: string): Promise<number[]>;
  version(subject: string, version: number): Promise<RegisteredVersion | undefined>;
  /** The registry's own identity test: under which version this exact schema is registered. */
  lookup(subject: string, schema: AvroSchemaJson): Promise<RegisteredVersion | undefined>;
  compatibility(subject: string): Promise<CompatibilityLevel | undefined>;
}

export interface SubjectRegistry extends SubjectRegistryReader {
  register(subject: string, schema: AvroSchemaJson): Promise<number>;
  setCompatibility(subject: string, level: CompatibilityLevel): Promise<void>;
}

export interface TopicAdminPort {
  cluster(): Promise<ClusterFacts>;
  describe(topic: string): Promise<TopicState | undefined>;
  apply(spec: TopicSpec, state: TopicState | undefined, changes: readonly TopicChange[]): Promise<void>;
}
