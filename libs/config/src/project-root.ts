/**
 * Where the Herald checkout is: the folder the CLI, the tests and the benchmarks find the built
 * apps (`dist/`), `bin/herald.js`, `schemas/` and the local Kafka's pom (`infra/kafka/pom.xml`)
 * in, wherever they run from (a source file under ts-node/Jest or its compiled copy in `dist/`).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder above `from` has no Herald checkout (no `infra/kafka/pom.xml`). */
export class ProjectRootNotFoundError extends Error {
  override name = 'ProjectRootNotFoundError';
}

/** The repository root: the nearest folder above `from` (this file) holding infra/kafka/pom.xml. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'infra', 'kafka', 'pom.xml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new ProjectRootNotFoundError('cannot find infra/kafka/pom.xml above ' + from);
    dir = parent;
  }
}
