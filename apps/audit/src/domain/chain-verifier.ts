/**
 * Recomputes the hash chains (all, one topic, one partition, or an offset range of one) by
 * streaming rows in ingest order, one keyset page at a time, so memory stays bounded by the
 * page size and the number of partitions. Stops at the first broken link.
 */
import type { StoredAuditEvent } from './audit-event';
import { chainHash, GENESIS_HASH } from './hash-chain';

export interface VerifyScope {
  readonly topic?: string;
  readonly partition?: number;
  readonly fromOffset?: string;
  readonly toOffset?: string;
}

/** The storage side of verification. */
export interface ChainReader {
  /** Rows in `scope` with a sequence above `afterSequence`, by sequence, at most `limit`. */
  chainPage(
    scope: VerifyScope,
    afterSequence: string | undefined,
    limit: number,
  ): Promise<StoredAuditEvent[]>;
  /** The stored hash of the row before `sequence` in that partition's chain; undefined for the first. */
  hashBefore(topic: string, partition: number, sequence: string): Promise<string | undefined>;
}

export interface BrokenLink {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly eventId: string;
  readonly sequence: string;
  /** `link`: prev_hash is not the previous row's hash; `content`: the row no longer hashes to its hash. */
  readonly problem: 'link' | 'content';
  readonly expectedHash: string;
  readonly storedHash: string;
}

export interface ChainHead {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly hash: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly checked: number;
  readonly brokenLink?: BrokenLink;
  /** The last verified row of each chain: anchors worth keeping outside the database. */
  readonly heads: ChainHead[];
}

const PAGE_SIZE = 500;

export class ChainVerifier {
  constructor(
    private readonly reader: ChainReader,
    private readonly pageSize = PAGE_SIZE,
  ) {}

  async verify(scope: VerifyScope = {}): Promise<VerifyReport> {
    const lastHash = new Map<string, ChainHead>();
    let checked = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.reader.chainPage(scope, after, this.pageSize);
      for (const row of page) {
        const key = `${row.topic}\u0000${row.partition}`;
        const expectedPrev = lastHash.get(key)?.hash ?? (await this.firstPrevHash(row));
        const brokenLink = checkRow(row, expectedPrev);
        if (brokenLink) return { ok: false, checked, brokenLink, heads: sortHeads(lastHash) };
        lastHash.set(key, { topic: row.topic, partition: row.partition, offset: row.offset, hash: row.hash });
        checked += 1;
      }
      if (page.length < this.pageSize) return { ok: true, checked, heads: sortHeads(lastHash) };
      after = page[page.length - 1]?.sequence;
    }
  }

  /** A scoped verification starts mid-chain: it trusts the stored hash of the row before its range. */
  private async firstPrevHash(row: StoredAuditEvent): Promise<string> {
    return (await this.reader.hashBefore(row.topic, row.partition, row.sequence)) ?? GENESIS_HASH;
  }
}

function checkRow(row: StoredAuditEvent, expectedPrev: string): BrokenLink | undefined {
  const at = {
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    eventId: row.eventId,
    sequence: row.sequence,
  };
  if (row.prevHash !== expectedPrev) {
    return { ...at, problem: 'link', expectedHash: expectedPrev, storedHash: row.prevHash };
  }
  const recomputed = chainHash(row.prevHash, row);
  if (recomputed !== row.hash) {
    return { ...at, problem: 'content', expectedHash: recomputed, storedHash: row.hash };
  }
  return undefined;
}

function sortHeads(heads: Map<string, ChainHead>): ChainHead[] {
  return [...heads.values()].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}
