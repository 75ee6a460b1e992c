// `npm pack` at the repository root refuses (its prepack script) and names the package there is to
// pack, the SDK, instead of writing a tarball of the whole monorepo; the SDK's own packing
// (sdk-package.int-spec.ts) runs in libs/sdk and is untouched by it.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO_ROOT = resolve(__dirname, '../../..');

describe('npm pack at the repository root', () => {
  let destination: string;

  beforeAll(async () => {
    destination = await mkdtemp(join(tmpdir(), 'herald-root-pack-'));
  });

  afterAll(() => rm(destination, { recursive: true, force: true }));

  it('fails, points to npm run build:sdk, and writes no tarball', async () => {
    const failure = await run('npm', ['pack', '--pack-destination', destination], { cwd: REPO_ROOT }).then(
      () => undefined,
      (error: Error & { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('npm run build:sdk && (cd libs/sdk && npm pack)');
    expect(await readdir(destination)).toEqual([]);
  });
});
