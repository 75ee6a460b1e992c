/** Runs the built `herald` command as a user does (`node bin/herald.js …`), optionally with stdin. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '@app/config';

export const HERALD = join(projectRoot(), 'bin', 'herald.js');

export interface HeraldRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HeraldOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string;
  readonly timeoutMs?: number;
}

export function startHerald(
  args: readonly string[],
  options: HeraldOptions = {},
): {
  child: ChildProcess;
  done: Promise<HeraldRun>;
  output: () => string;
} {
  const child = spawn(process.execPath, [HERALD, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin?.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const done = new Promise<HeraldRun>((resolve) =>
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    }),
  );
  return { child, done, output: () => stdout };
}

export function herald(args: readonly string[], options: HeraldOptions = {}): Promise<HeraldRun> {
  return startHerald(args, options).done;
}
