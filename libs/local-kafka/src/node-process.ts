/**
 * The OS side of one broker node: is its recorded process alive and really ours, is a port
 * taken, launch the JVM detached with output to the node's log file, and stop it.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
