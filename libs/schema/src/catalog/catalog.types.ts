// The catalog's data model: what `loadCatalog` returns for a valid `schemas/` tree and how it describes a
// broken one. Plain JSON-serialisable data on purpose, so the gateway can serve it as-is and no caller
// depends on avsc's `Type` through the catalog.

import type { AvroSchemaJson } from '../avro-schema-json';
import type { CompatibilityLevel } from '../compatibility';

export type { AvroSchemaJson };

/** The validated content of an `event.yaml`, defaults applied. */
export interface EventMetadata {
  description: string;
  owner: string;
  compatibility: CompatibilityLevel;
  /** Top-level data field whose value is the Kafka record key. */
  key: string;
  /** Top-level data field naming the tenant the event belongs to. */
  tenant: string;
  partitions: number;
  /** Kafka `retention.ms`; -1 means keep forever. */
  retentionMs: number;
}

/** One `v<N>.avsc` file. */
export interface EventVersion {
  version: number;
  /** Path relative to the catalog root, with `/` separators. */
  file: string;
  schema: AvroSchemaJson;
  /** Avro Parsing Canonical Form (full names, no docs, defaults or logical types), as produced by avsc. */
  canonical: string;
  /** Lower-case hex SHA-256 of `canonical`: equal fingerprints mean the same writer schema. */
  fingerprint: string;
}

export interface EventTypeDefinition {
  /** `<domain>.<entity>.<verb>`, e.g. `payments.payment.received`. */
  type: string;
  domain: string;
  /** Kafka topic: one topic per type, named exactly as the type. */
  topic: string;
  /** Registry subject under the TopicNameStrategy: `<topic>-value`. */
  subject: string;
  metadata: EventMetadata;
  /** Ascending, contiguous from version 1. */
  versions: EventVersion[];
  latest: EventVersion;
}

export interface Catalog {
  /** Absolute path of the catalog root folder. */
  root: string;
  /** Sorted by type name. */
  eventTypes: EventTypeDefinition[];
}

export interface CatalogProblem {
  /** Path relative to the catalog root, `/`-separated; `.` for the root itself. */
  file: string;
  /** RFC 6901 JSON pointer into the file (`/fields/3/default`, `/key`); '' for the whole file. */
  pointer: string;
  message: string;
}

export interface CatalogValidation {
  /** Present only when there are no problems. */
  catalog?: Catalog;
  problems: CatalogProblem[];
}

/** A problem inside one file, before the loader knows which file it is. */
export interface FileProblem {
  pointer: string;
  message: string;
}
