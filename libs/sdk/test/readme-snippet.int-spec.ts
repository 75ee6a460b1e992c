// The five-line example of libs/sdk/README.md must stay true: it is type-checked here against the
// SDK and the committed generated types, with `@herald/sdk` mapped to the sources.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import ts from 'typescript';

const REPO_ROOT = resolve(__dirname, '../../..');

/** The README's first TypeScript block; imports stay at the top, the rest runs in an async function. */
async function readmeSnippet(): Promise<string> {
  const readme = await readFile(join(REPO_ROOT, 'libs/sdk/README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('no ```ts block in libs/sdk/README.md');
  const lines = block.split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !line.startsWith('import '));
  return `${imports.join('\n')}\nexport async function example(): Promise<void> {\n${body.join('\n')}\n}\n`;
}

describe('libs/sdk/README.md', () => {
  it('publishes in five lines that compile', async () => {
    const snippet = await readmeSnippet();
    expect(snippet.split('\n').filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(9);
    const dir = await mkdtemp(join(tmpdir(), 'herald-readme-'));
    try {
      const file = join(dir, 'example.ts');
      await writeFile(file, snippet);
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        types: ['node'],
        typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
        skipLibCheck: true,
        baseUrl: REPO_ROOT,
        paths: { '@herald/sdk': ['libs/sdk/src'], '@app/events': ['libs/events/src'] },
      });
      const messages = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(messages).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
