/**
 * A PostgreSQL 15 of a test's own, for tests that stop or restart it (the machine's shared one is
 * never restarted): initdb in a temp folder and pg_ctl on a free port, run as the `postgres` user
 * (PostgreSQL refuses to run as root), with trust auth for `postgres` on 127.0.0.1 only.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';

export interface PrivatePostgresOptions {
  /** Where initdb, pg_ctl and postgres are; default /usr/lib/postgresql/15/bin. */
  readonly binDir?: string;
}

export interface PrivatePostgres {
  readonly port: number;
  /** The `postgres` database's URL; other databases on the server: change the path. */
  readonly url: string;
  /** `pg_ctl stop -m fast` (or immediate: no shutdown checkpoint, as a crash). */
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  /** `pg_ctl restart`: down for as long as the stop and start take. */
  restart(mode?: 'fast' | 'immediate'): void;
  /** Stops the server (immediate) and deletes its folder. */
  remove(): void;
}

export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const binDir = options.binDir ?? DEFAULT_BIN_DIR;
  if (!existsSync(join(binDir, 'pg_ctl'))) throw new Error(`no pg_ctl in ${binDir} (PostgreSQL 15 server)`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'herald-test-postgres-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  // As root: runuser to `postgres`; the output goes to a file, not a pipe the server would keep open.
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(binDir, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(binDir, tool), ...args] : args;
    const out = openSync(join(dir, `${tool}.out`), 'w');
    try {
      const result = spawnSync(command, argv, { stdio: ['ignore', out, out], timeout: 120_000 });
      if (result.status !== 0) {
        const output = readFileSync(join(dir, `${tool}.out`), 'utf8');
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2_000) : '';
        throw new Error(
          `${tool} ${args.join(' ')} failed (${result.status ?? result.signal}): ${output}\n${log}`,
        );
      }
    } finally {
      closeSync(out);
    }
  };
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (...args: string[]): void =>
    run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', ...args]);
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    pgCtl('-o', serverOptions, 'start');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const stop = (mode: 'fast' | 'immediate' = 'fast'): void => pgCtl('-m', mode, 'stop');
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start: () => pgCtl('-o', serverOptions, 'start'),
    restart: (mode = 'fast') => pgCtl('-m', mode, '-o', serverOptions, 'restart'),
    remove: () => {
      try {
        if (existsSync(join(data, 'postmaster.pid'))) stop('immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('no `postgres` user to run PostgreSQL as');
  return { uid: Number(uid), gid: Number(gid) };
}
