import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, ProjectRootNotFoundError } from './project-root';

describe('projectRoot', () => {
  let scratch: string;
  beforeEach(() => (scratch = mkdtempSync(join(tmpdir(), 'herald-root-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds the nearest folder above holding infra/kafka/pom.xml', () => {
    mkdirSync(join(scratch, 'infra', 'kafka'), { recursive: true });
    writeFileSync(join(scratch, 'infra', 'kafka', 'pom.xml'), '<project/>');
    const deep = join(scratch, 'dist', 'apps', 'cli', 'src');
    mkdirSync(deep, { recursive: true });
    expect(projectRoot(deep)).toBe(scratch);
    expect(projectRoot(scratch)).toBe(scratch);
  });

  it('finds this checkout from its own folder by default', () => {
    expect(projectRoot()).toBe(join(__dirname, '..', '..', '..'));
  });

  it('says so when there is no checkout above', () => {
    expect(() => projectRoot(scratch)).toThrow(ProjectRootNotFoundError);
  });
});
