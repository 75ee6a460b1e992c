/**
 * `herald new consumer` as a user runs it (the built CLI), on a scratch copy of the repository
 * root: it writes the app and registers it in nest-cli.json, refuses to overwrite, and what it
 * writes is Prettier-formatted, type-checks against the real libraries and passes its own unit test.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const HERALD = join(ROOT, 'bin', 'herald.js');

function run(args: readonly string[], cwd: string) {
  return spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

/** A jest config for the scratch root: the repo's swc transform and @app/* aliases, nothing else. */
function jestConfig(): string {
  return `const root = ${JSON.stringify(ROOT)};
const { compilerOptions } = require(root + '/tsconfig.json');
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/apps/**/*.spec.ts'],
  moduleNameMapper: Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([alias, [target]]) => ['^' + alias + '$', root + '/' + target]),
  ),
  transform: {
    '^.+\\\\.ts$': [
      require.resolve('@swc/jest', { paths: [root] }),
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
};
`;
}

describe('herald new consumer', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'herald-new-consumer-'));
    copyFileSync(join(ROOT, 'nest-cli.json'), join(scratch, 'nest-cli.json'));
    copyFileSync(join(ROOT, '.prettierrc'), join(scratch, '.prettierrc'));
    symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
    symlinkSync(join(ROOT, 'libs'), join(scratch, 'libs'));
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.json'),
        compilerOptions: { noEmit: true, incremental: false },
        include: ['apps/**/*.ts'],
      }),
    );
    writeFileSync(join(scratch, 'jest.config.js'), jestConfig());
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('generates an app that type-checks, passes its test and is a Nest project', () => {
    const generated = run(
      [HERALD, 'new', 'consumer', 'fraud-check', '--root', scratch, '--port', '8095'],
      ROOT,
    );
    expect(generated.stderr).toBe('');
    expect(generated.status).toBe(0);
    expect(generated.stdout).toContain('apps/fraud-check/src/fraud-check.handlers.ts');
    const nestCli = JSON.parse(readFileSync(join(scratch, 'nest-cli.json'), 'utf8')) as {
      projects: Record<string, unknown>;
    };
    expect(nestCli.projects['fraud-check']).toEqual({
      type: 'application',
      root: 'apps/fraud-check',
      entryFile: 'main',
      sourceRoot: 'apps/fraud-check/src',
    });
    expect(nestCli.projects).toHaveProperty('gateway');
    const handlers = readFileSync(join(scratch, 'apps/fraud-check/src/fraud-check.handlers.ts'), 'utf8');
    expect(handlers).toContain("@EventPattern('payments.payment.received', { version: 1 })");
    expect(handlers).toContain('event: PaymentReceivedV1');
    // A newcomer sees each event arrive at the default LOG_LEVEL: one info line per event.
    expect(handlers).toContain('this.logger.log(line)');
    const config = readFileSync(join(scratch, 'apps/fraud-check/src/config.ts'), 'utf8');
    expect(config).toMatch(/EVENT_LOG_LEVEL: z[\s\S]*?\.default\('info'\)/);

    const typecheck = run(
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', scratch, '--listFiles'],
      scratch,
    );
    const lines = typecheck.stdout.split('\n');
    expect(lines).toContain(join(scratch, 'apps/fraud-check/src/main.ts'));
    expect(lines.filter((line) => /error TS[56]\d{3}/.test(line))).toEqual([]);
    // Only the generated files are judged: other libraries may be mid-edit in a shared checkout.
    expect(lines.filter((line) => line.includes('apps/fraud-check') && line.includes('error'))).toEqual([]);

    const format = run(
      [join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', 'apps'],
      scratch,
    );
    expect(format.status).toBe(0);

    const tests = run(
      [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', join(scratch, 'jest.config.js')],
      scratch,
    );
    // Its own test wires the module and sees the info line; a failing log assertion fails here.
    expect(tests.stderr).toMatch(/Tests:\s+3 passed, 3 total/);
    expect(tests.status).toBe(0);
  }, 240_000);

  it('refuses a bad name and an app that already exists, with exit code 2', () => {
    const existing = run([HERALD, 'new', 'consumer', 'fraud-check', '--root', scratch], ROOT);
    expect(existing.status).toBe(2);
    expect(existing.stderr).toContain('apps/fraud-check already exists');
    const badName = run([HERALD, 'new', 'consumer', 'Fraud_Check', '--root', scratch], ROOT);
    expect(badName.status).toBe(2);
    expect(badName.stderr).toContain('must be kebab-case');
  });
});
