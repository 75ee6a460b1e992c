/**
 * @herald/sdk as a user gets it: `npm run build:sdk`, `npm pack` in libs/sdk, and the tarball
 * installed into a project's node_modules. Installing is done offline: the tarball is unpacked
 * where npm would put it, and its one dependency and the project's compiler and Node types are
 * linked from the repository's node_modules (the same packages npm would fetch).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const REPO_ROOT = resolve(__dirname, '../../..');
export const SDK_DIR = join(REPO_ROOT, 'libs/sdk');
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples/sdk-quickstart');

export interface PackedSdk {
  /** The tarball's absolute path. */
  readonly tarball: string;
  /** Its file name, e.g. herald-sdk-0.1.0.tgz. */
  readonly filename: string;
  /** The paths inside the package, e.g. `dist/sdk/src/index.js`. */
  readonly files: readonly string[];
}

export async function packSdk(destination: string): Promise<PackedSdk> {
  await run('npm', ['run', '-s', 'build:sdk'], { cwd: REPO_ROOT });
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: SDK_DIR,
  });
  const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (info === undefined) throw new Error(`npm pack printed no package: ${stdout}`);
  return {
    tarball: join(destination, info.filename),
    filename: info.filename,
    files: info.files.map((f) => f.path),
  };
}

/** Packages a project links from the repository besides the SDK (npm would install them). */
const LINKED = ['uuidv7', 'typescript', '@types/node'] as const;

/** Puts the packed SDK into `project`'s node_modules, with uuidv7, typescript and @types/node. */
export async function installPackedSdk(project: string, sdk: PackedSdk): Promise<void> {
  const target = join(project, 'node_modules/@herald/sdk');
  await mkdir(target, { recursive: true });
  await run('tar', ['-xzf', sdk.tarball, '-C', target, '--strip-components=1']);
  for (const name of LINKED) {
    const link = join(project, 'node_modules', name);
    await mkdir(resolve(link, '..'), { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules', name), link, 'dir');
  }
}

/** Copies examples/sdk-quickstart/<kind> (sources and configs only) into `into`. */
export async function copyExample(kind: 'esm' | 'cjs', into: string): Promise<string> {
  const project = join(into, kind);
  await cp(join(EXAMPLES_DIR, kind), project, {
    recursive: true,
    filter: (source) =>
      !/[/\\](node_modules|dist)([/\\]|$)/.test(source) && !source.endsWith('package-lock.json'),
  });
  return project;
}

/** Runs the project's own `tsc -p .` (its tsconfig decides the module kind); the diagnostics, or ''. */
export async function compileProject(project: string): Promise<string> {
  const tsc = join(project, 'node_modules/typescript/bin/tsc');
  return run(process.execPath, [tsc, '-p', '.'], { cwd: project }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string; message: string }) => error.stdout || error.message,
  );
}
