/**
 * Whether a benchmark's result JSON was written by this run. The report quotes only files that
 * changed while their benchmark ran: a bench that exits 0 without writing (a narrowed run, a
 * crash after the exit code was set, a guard that skips the write) must not pass off an old
 * file's figures as today's. Both the file's mtime and its recorded `date` must be new.
 */

export interface ResultStamp {
  /** File modification time in ms, or null when the file does not exist. */
  mtimeMs: number | null;
  /** The `date` the JSON records (see resultDate), or null when absent or unreadable. */
  date: string | null;
}

export type Freshness = { fresh: true } | { fresh: false; reason: string };

/**
 * `before` is the stamp taken just before the bench started, `after` just after it exited,
 * `startedAt` the wall-clock time it started (ms).
 */
export function checkFreshness(before: ResultStamp, after: ResultStamp, startedAt: number): Freshness {
  if (after.mtimeMs === null) return { fresh: false, reason: 'the bench wrote no result file' };
  if (before.mtimeMs !== null && after.mtimeMs === before.mtimeMs)
    return { fresh: false, reason: 'the result file did not change in this run' };
  if (after.date === null) return { fresh: false, reason: 'the result file records no date' };
  if (after.date === before.date)
    return { fresh: false, reason: `the result file's date did not change (${after.date})` };
  const recorded = Date.parse(after.date);
  // Benches stamp `date` when they finish, so it lies after the start; allow a second of clock rounding.
  if (Number.isNaN(recorded) || recorded < startedAt - 1_000)
    return { fresh: false, reason: `the result file's date ${after.date} is older than this run` };
  return { fresh: true };
}
