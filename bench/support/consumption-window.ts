/**
 * One side's reading of a pre-produced topic in the audit benchmark, timed the same way for
 * the floor and for the audit app: from the start of consumption to the last commit, so boot
 * and group join stay out of both.
 */
import { cpuPerEvent, type CpuMeter, type CpuPerEvent, type CpuSample } from './audit-bench-kit';

export interface Measured {
  /** N ÷ (start of consumption → last commit). */
  readonly eventsPerSec: number;
  readonly seconds: number;
  /** Process start (the audit) or consumer start (the floor) → start of consumption: boot and group join. */
  readonly bootSeconds: number;
  /** Over the commits after the first one seen (null when that one held everything). */
  readonly cpuMicrosPerEvent: CpuPerEvent | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Consumption starts when the first records reach the consumer's code (the floor's first
 * `eachBatch`; the audit's first `ingested_at`, stamped as its handler maps the first event)
 * and ends when the last record's commit is seen. Both are wall-clock milliseconds, since the
 * audit's start comes from its own process. CPU is sampled at the first and the last commit seen.
 */
export class ConsumptionWindow {
  private readonly created = Date.now();
  private started: number | undefined;
  private first: { stored: number; cpu: CpuSample } | undefined;
  private last: { at: number; cpu: CpuSample } | undefined;

  constructor(
    private readonly total: number,
    private readonly meter: CpuMeter,
  ) {}

  consumptionStarted(at: number): void {
    this.started ??= at;
  }

  /** Records stored so far; returns true once everything is. */
  observe(stored: number): boolean {
    if (this.first === undefined && stored > 0) this.first = { stored, cpu: this.meter.sample() };
    if (this.last === undefined && stored >= this.total) {
      const at = Date.now();
      this.last = { at, cpu: this.meter.sample() };
    }
    return this.last !== undefined;
  }

  result(): Measured {
    const { started, first, last } = this;
    if (started === undefined || first === undefined || last === undefined)
      throw new Error('the consumption window is incomplete');
    const seconds = (last.at - started) / 1000;
    return {
      eventsPerSec: Math.round(this.total / seconds),
      seconds: round2(seconds),
      bootSeconds: round2((started - this.created) / 1000),
      cpuMicrosPerEvent:
        first.stored < this.total ? cpuPerEvent(first.cpu, last.cpu, this.total - first.stored) : null,
    };
  }
}
