/**
 * Decides every reader/writer pair reachable from a root pair at once. Recursive schemas make
 * pairs depend on themselves (a linked list's `next` resolves the list again), so a verdict is
 * the greatest fixed point: a pair is compatible unless a finite chain of obligations leads to
 * a violation. Java gets there by assuming "compatible" for a pair still in progress and
 * memoizing whatever comes out; deciding the finite pair graph instead gives every pair an exact
 * verdict (union-branch search picks branches by them), in time polynomial in the schema sizes
 * even when named types are reused heavily.
 */
import { obligationsOf, type Obligation, type SchemaPair } from './resolution-rules';
import type { AvroNode } from '../model/avro-model';

export interface PairEntry {
  readonly pair: SchemaPair;
  readonly obligations: readonly Obligation[];
  readonly compatible: boolean;
}

interface MutableEntry extends PairEntry {
  compatible: boolean;
  readonly dependants: MutableEntry[];
}

export class PairVerdicts {
  private readonly entries = new Map<AvroNode, Map<AvroNode, MutableEntry>>();

  private constructor() {}

  static decide(root: SchemaPair): PairVerdicts {
    const verdicts = new PairVerdicts();
    verdicts.markIncompatible(verdicts.discover(root));
    return verdicts;
  }

  entry(pair: SchemaPair): PairEntry {
    return this.entryOf(pair);
  }

  private entryOf(pair: SchemaPair): MutableEntry {
    const entry = this.entries.get(pair.reader)?.get(pair.writer);
    if (!entry) throw new Error('compatibility checker: asked about a pair it never reached');
    return entry;
  }

  isCompatible(pair: SchemaPair): boolean {
    return this.entry(pair).compatible;
  }

  /** Builds the entry of every reachable pair; returns those that break a rule on their own. */
  private discover(root: SchemaPair): MutableEntry[] {
    const violating: MutableEntry[] = [];
    const pending = [this.create(root)];
    for (let entry = pending.pop(); entry; entry = pending.pop()) {
      if (entry.obligations.some(failsWhateverElseHolds)) violating.push(entry);
      for (const pair of dependencies(entry.obligations)) {
        let dependency = this.entries.get(pair.reader)?.get(pair.writer);
        if (!dependency) {
          dependency = this.create(pair);
          pending.push(dependency);
        }
        dependency.dependants.push(entry);
      }
    }
    return violating;
  }

  private create(pair: SchemaPair): MutableEntry {
    const entry: MutableEntry = { pair, obligations: obligationsOf(pair), compatible: true, dependants: [] };
    let byWriter = this.entries.get(pair.reader);
    if (!byWriter) {
      byWriter = new Map();
      this.entries.set(pair.reader, byWriter);
    }
    byWriter.set(pair.writer, entry);
    return entry;
  }

  /** Spreads incompatibility from the violating pairs to every pair that can no longer hold. */
  private markIncompatible(violating: MutableEntry[]): void {
    const pending = [...violating];
    for (const entry of violating) entry.compatible = false;
    for (let entry = pending.pop(); entry; entry = pending.pop()) {
      for (const dependant of entry.dependants) {
        if (dependant.compatible && !holds(dependant.obligations, (pair) => this.isCompatible(pair))) {
          dependant.compatible = false;
          pending.push(dependant);
        }
      }
    }
  }

  /**
   * Whether `pair` would be compatible if the `assumed` pairs were. The reporter asks this with
   * the pairs it is walking, to tell a union branch that fails on its own from one that only
   * repeats a problem already listed further out (Java's "in progress" assumption).
   */
  isCompatibleAssuming(pair: SchemaPair, assumed: ReadonlySet<PairEntry>): boolean {
    const start = this.entryOf(pair);
    if (start.compatible || assumed.has(start)) return true;
    const undecided = this.incompatibleReachableFrom(start, assumed);
    const failed = new Set<MutableEntry>();
    const compatible = (candidate: SchemaPair): boolean => {
      const entry = this.entryOf(candidate);
      return entry.compatible || assumed.has(entry) || (undecided.has(entry) && !failed.has(entry));
    };
    const pending = [...undecided].filter((entry) => !holds(entry.obligations, compatible));
    for (const entry of pending) failed.add(entry);
    for (let entry = pending.pop(); entry; entry = pending.pop()) {
      for (const dependant of entry.dependants) {
        if (undecided.has(dependant) && !failed.has(dependant) && !holds(dependant.obligations, compatible)) {
          failed.add(dependant);
          pending.push(dependant);
        }
      }
    }
    return !failed.has(start);
  }

  /** The incompatible pairs `start` depends on, not looking past the assumed ones. */
  private incompatibleReachableFrom(start: MutableEntry, assumed: ReadonlySet<PairEntry>): Set<MutableEntry> {
    const reached = new Set([start]);
    const pending = [start];
    for (let entry = pending.pop(); entry; entry = pending.pop()) {
      for (const pair of dependencies(entry.obligations)) {
        const dependency = this.entryOf(pair);
        if (!dependency.compatible && !assumed.has(dependency) && !reached.has(dependency)) {
          reached.add(dependency);
          pending.push(dependency);
        }
      }
    }
    return reached;
  }
}

function holds(obligations: readonly Obligation[], compatible: (pair: SchemaPair) => boolean): boolean {
  return obligations.every((o) => {
    switch (o.kind) {
      case 'violation':
        return false;
      case 'descend':
        return compatible(o.pair);
      case 'any-of':
        return o.candidates.some(compatible);
    }
  });
}

/** A violation, or a branch search with no branch to try (a reader union `[]`). */
function failsWhateverElseHolds(obligation: Obligation): boolean {
  return (
    obligation.kind === 'violation' || (obligation.kind === 'any-of' && obligation.candidates.length === 0)
  );
}

function dependencies(obligations: readonly Obligation[]): SchemaPair[] {
  return obligations.flatMap((o) =>
    o.kind === 'descend' ? [o.pair] : o.kind === 'any-of' ? o.candidates : [],
  );
}
