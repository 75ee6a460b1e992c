/**
 * Formats generated files with the repository's own Prettier (config resolved per file, as
 * `prettier --check` does), so committed output passes the lint. Prettier 3's API is ESM behind
 * a dynamic `import()`, which Jest's module sandbox refuses; a short-lived child `node` does the
 * formatting instead, for all files at once, so the CLI and the tests run the same code path.
 * Prettier is resolved only here: it is a development dependency the other commands do not need.
 */
import { spawn } from 'node:child_process';

export interface FormatRequest {
  filepath: string;
  content: string;
}

const CHILD_SCRIPT = `
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { entry, files } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const prettier = await import(entry);
const formatted = [];
for (const file of files) {
  const config = (await prettier.resolveConfig(file.filepath)) ?? {};
  formatted.push(await prettier.format(file.content, { ...config, filepath: file.filepath }));
}
process.stdout.write(JSON.stringify(formatted));
`;

export async function formatWithPrettier(files: readonly FormatRequest[]): Promise<string[]> {
  const entry = `file://${require.resolve('prettier/index.mjs')}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exitCode = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(JSON.stringify({ entry, files }));
  const code = await exitCode;
  if (code !== 0) {
    throw new Error(`prettier failed on the generated code: ${Buffer.concat(stderr).toString('utf8')}`);
  }
  return JSON.parse(Buffer.concat(stdout).toString('utf8')) as string[];
}
