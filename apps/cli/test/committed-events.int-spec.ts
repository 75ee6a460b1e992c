// The committed generated types (libs/events/src) must match the schemas/ catalog: this is
// `herald schemas codegen --check` on the real repository, so `npm test` fails when someone
// changes a schema without running codegen.
import { resolve } from 'node:path';

import { runCodegen } from '../src/codegen/codegen.runner';

const REPO_ROOT = resolve(__dirname, '../../..');

describe('libs/events/src', () => {
  it('is up to date with schemas/ (run `npm run herald -- schemas codegen` if not)', async () => {
    const outcome = await runCodegen({ dir: 'schemas', out: 'libs/events/src', check: true, cwd: REPO_ROOT });
    expect(outcome.stderr).toBe('');
    expect(outcome.exitCode).toBe(0);
  });
});
