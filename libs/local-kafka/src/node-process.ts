/**
 * The OS side of one broker node: is its recorded process alive and really ours, is a port
 * taken, launch the JVM detached with output to the node's log file, and stop it.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { NodeLayout } from './layout';

export function recordedPid(node: NodeLayout): number | undefined {
  if (!existsSync(node.pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(node.pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when `pid` is alive and is the broker started with this node's properties file. */
export function isOurBroker(pid: number, node: NodeLayout): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(node.propertiesFile);
  } catch {
    return false;
  }
}

export function runningPid(node: NodeLayout): number | undefined {
  const pid = recordedPid(node);
  return pid !== undefined && isOurBroker(pid, node) ? pid : undefined;
}

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface LaunchOptions {
  readonly classpathDir: string;
  readonly log4jConfig: string;
  readonly heapMb: number;
}

export function launchBroker(node: NodeLayout, options: LaunchOptions): number {
  const out = openSync(node.logFile, 'a');
  try {
    const child = spawn(
      'java',
      [
        `-Xmx${options.heapMb}m`,
        `-Xms${Math.min(128, options.heapMb)}m`,
        '-XX:+UseSerialGC',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${options.log4jConfig}`,
        '-cp',
        join(options.classpathDir, '*'),
        'kafka.Kafka',
        node.propertiesFile,
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    child.unref();
    if (child.pid === undefined) throw new Error('java did not start');
    writeFileSync(node.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM (Kafka's controlled shutdown), then SIGKILL if it has not exited in time. */
export async function stopBroker(node: NodeLayout, graceMs = 30_000): Promise<boolean> {
  const pid = runningPid(node);
  if (pid === undefined) {
    rmSync(node.pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  rmSync(node.pidFile, { force: true });
  return true;
}

/** Immediate SIGKILL, as a crash would: for fault tests. */
export async function killBroker(node: NodeLayout): Promise<void> {
  const pid = runningPid(node);
  if (pid === undefined) return;
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  rmSync(node.pidFile, { force: true });
}

export function logTail(node: NodeLayout, lines = 20): string {
  if (!existsSync(node.logFile)) return '(no log yet)';
  return readFileSync(node.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** The length of the node's log now: a launch appends, so what follows is that launch's output. */
export function logLength(node: NodeLayout): number {
  return existsSync(node.logFile) ? statSync(node.logFile).size : 0;
}

/** The node's log from byte `offset` on (a long-lived node's log can be large: no full read). */
export function logSince(node: NodeLayout, offset: number): string {
  if (!existsSync(node.logFile)) return '';
  const fd = openSync(node.logFile, 'r');
  try {
    const length = Math.max(0, fstatSync(fd).size - offset);
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Kafka's SocketServer, for the client and the controller listener alike, logs
 * `Socket server failed to bind to 127.0.0.1:35134: Address already in use.` and the node
 * exits. Returns that port, if the log says so.
 */
export function portTakenAtBind(log: string): number | undefined {
  const match = /Socket server failed to bind to \S+:(\d+): Address already in use/.exec(log);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
