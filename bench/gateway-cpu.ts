/**
 * CPU time of the processes a gateway measurement exercises, from /proc (Linux): the gateway
 * (its primary and workers: descendants of the bench process running the built gateway), the
 * PostgreSQL backends of the bench's database plus the WAL writer, and any other pid the bench
 * started (the floor server). The machine is shared, so a ratio of rates says less than the CPU
 * each path spends per event; this gives the latter.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly ppid: number;
  readonly ticks: number;
}

function stat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Which processes count, by group. */
export interface CpuGroups {
  /** The bench database's name: its backends count as `postgres`. */
  readonly database: string;
  /** Other processes counted by pid, e.g. `{ floor: 1234 }`. */
  readonly extra?: Readonly<Record<string, number>>;
}

type Snapshot = Map<number, { group: string; ticks: number }>;

function snapshot(groups: CpuGroups): Snapshot {
  const all = pids();
  const stats = new Map(all.map((pid) => [pid, stat(pid)] as const));
  const descends = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 8; hops++) {
      if (p === process.pid) return true;
      p = stats.get(p)?.ppid;
    }
    return false;
  };
  const extra = new Map(Object.entries(groups.extra ?? {}).map(([group, pid]) => [pid, group]));
  const taken: Snapshot = new Map();
  for (const pid of all) {
    const s = stats.get(pid);
    if (!s) continue;
    let group = extra.get(pid);
    if (group === undefined) {
      const cmd = cmdline(pid);
      if (
        cmd.startsWith('postgres:') &&
        (cmd.includes(` ${groups.database} `) || cmd.includes('walwriter'))
      ) {
        group = 'postgres';
      } else if (cmd.includes('apps/gateway/src/main.js') && descends(pid)) group = 'gateway';
    }
    if (group !== undefined) taken.set(pid, { group, ticks: s.ticks });
  }
  return taken;
}

/** Starts counting; `stop()` returns CPU seconds per group spent since. */
export function cpuMeter(groups: CpuGroups): { stop(): Record<string, number> } {
  const before = snapshot(groups);
  return {
    stop() {
      const after = snapshot(groups);
      const seconds: Record<string, number> = {};
      for (const [pid, { group, ticks }] of after) {
        const spent = ticks - (before.get(pid)?.ticks ?? 0);
        seconds[group] = (seconds[group] ?? 0) + spent / TICKS_PER_SECOND;
      }
      return seconds;
    },
  };
}
