/**
 * The git port of the schema check: the few plumbing commands it needs, run with `git` from PATH
 * against the repository that holds the checked folder. It only reads: the working tree, index and
 * refs are never touched, so the check is safe to run in a checkout with uncommitted work.
 */
import { spawn } from 'node:child_process';

export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';

  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly code: number | string | null,
  ) {
    super(`git ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
  }
}

export interface TreeEntry {
  readonly oid: string;
  /** Relative to the repository's top level, `/`-separated. */
  readonly path: string;
}

export type GitOpening =
  | { readonly ok: true; readonly repository: GitRepository; readonly prefix: string }
  | { readonly ok: false; readonly reason: string };

export class GitRepository {
  private constructor(readonly topLevel: string) {}

  /** The repository holding `dir`, and `dir`'s path inside it (`schemas/`, '' at the top level). */
  static async open(dir: string): Promise<GitOpening> {
    try {
      const out = await runGit(dir, ['rev-parse', '--show-toplevel', '--show-prefix']);
      const [topLevel = '', prefix = ''] = out.toString('utf8').split('\n');
      return { ok: true, repository: new GitRepository(topLevel), prefix };
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      const reason = error.code === 'ENOENT' ? 'git is not installed' : 'not inside a git repository';
      return { ok: false, reason };
    }
  }

  /** The commit a ref names, or undefined when there is none by that name. */
  async resolveCommit(ref: string): Promise<string | undefined> {
    const out = await this.run([
      'rev-parse',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${ref}^{commit}`,
    ]).catch((error: unknown) => {
      if (error instanceof GitCommandError && error.code === 1) return undefined;
      throw error;
    });
    return out?.toString('utf8').trim();
  }

  /** Undefined when the histories share no commit. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const out = await this.run(['merge-base', a, b]).catch((error: unknown) => {
      if (error instanceof GitCommandError && error.code === 1) return undefined;
      throw error;
    });
    return out?.toString('utf8').trim();
  }

  /** Regular files under `path` at `commit` (symlinks and submodules are not schema files). */
  async listFiles(commit: string, path: string): Promise<TreeEntry[]> {
    const out = await this.run([
      'ls-tree',
      '-r',
      '-z',
      '--full-tree',
      commit,
      '--',
      path === '' ? '.' : path,
    ]);
    return out
      .toString('utf8')
      .split('\0')
      .flatMap((line) => {
        const match = /^(100644|100755) blob ([0-9a-f]+)\t(.*)$/s.exec(line);
        return match?.[2] === undefined || match[3] === undefined ? [] : [{ oid: match[2], path: match[3] }];
      });
  }

  /** Blob contents by object id, in one `git cat-file --batch` call whatever the count. */
  async readBlobs(oids: readonly string[]): Promise<Map<string, Buffer>> {
    const blobs = new Map<string, Buffer>();
    if (oids.length === 0) return blobs;
    const out = await this.run(['cat-file', '--batch'], `${oids.join('\n')}\n`);
    let offset = 0;
    while (offset < out.length) {
      const headerEnd = out.indexOf(0x0a, offset);
      const [oid = '', kind, size] = out.toString('utf8', offset, headerEnd).split(' ');
      if (kind !== 'blob' || size === undefined)
        throw new GitCommandError(['cat-file', '--batch'], `object ${oid} is ${kind ?? 'unreadable'}`, null);
      const start = headerEnd + 1;
      blobs.set(oid, out.subarray(start, start + Number(size)));
      offset = start + Number(size) + 1;
    }
    return blobs;
  }

  private run(args: readonly string[], input?: string): Promise<Buffer> {
    return runGit(this.topLevel, args, input);
  }
}

function runGit(cwd: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new GitCommandError(args, error.message, error.code ?? null)),
    );
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitCommandError(args, Buffer.concat(err).toString('utf8'), code));
    });
    // A child that exits (or never starts) before reading its input breaks the pipe; its exit
    // status already tells what happened, so the pipe error itself carries nothing.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
