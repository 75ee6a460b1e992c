// Lint rules that carry weight in this codebase: no floating promises (a lost Kafka ack is a
// lost event), no deep imports into libs (import `@app/x`, never `@app/x/src/...` or a
// relative path across folders), the layers of docs/architecture.md ("Who may import whom":
// which lib may import which, @app/testing only from tests), and no `.only` left in a test.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

const IMPORT_PATTERNS = [
  {
    group: ['@app/*/*'],
    message: 'Import a library through its alias only (@app/<lib>), never a deep path.',
  },
  {
    group: ['../../*', '**/libs/**', '**/apps/**'],
    message: 'No relative imports across folders: use the @app/<lib> alias; apps never import apps.',
  },
];

/**
 * The libraries each library's source may import (docs/architecture.md, "Who may import whom"):
 * dependencies point one way, towards the core. A new library needs its line here (the lint
 * refuses to run without it). Tests of a library (its *.spec.ts, its test/ folder) may import any
 * library.
 */
const LIB_IMPORTS = {
  config: [],
  schema: [],
  events: [],
  'api-keys': [],
  platform: ['config'],
  'local-kafka': ['config'],
  kafka: ['config', 'platform', 'schema'],
  persistence: ['config', 'platform'],
  'registry-client': ['schema'],
  analytics: ['schema'],
  sdk: ['events'],
  testing: ['config', 'platform', 'schema', 'kafka', 'persistence', 'registry-client', 'local-kafka'],
};
const LIBS = readdirSync(join(import.meta.dirname, 'libs'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const unknownLibs = LIBS.filter((lib) => !(lib in LIB_IMPORTS));
if (unknownLibs.length > 0) {
  throw new Error(`eslint.config.mjs: say in LIB_IMPORTS which libraries libs/${unknownLibs[0]} may import`);
}

/** Test code: specs, test folders and in-app test support. It may import any library, @app/testing too. */
const TEST_FILES = [
  '**/*.spec.ts',
  '**/*.int-spec.ts',
  '**/*.e2e-spec.ts',
  '**/test/**',
  '**/spec-support/**',
];

const TESTING_ONLY = {
  group: ['@app/testing'],
  message: '@app/testing is for tests only (*.spec.ts, test/, spec-support/); the build leaves it out.',
};

function restrictImports(extraPatterns) {
  return ['error', { patterns: [...IMPORT_PATTERNS, ...extraPatterns] }];
}

/**
 * Every package a file imports is declared in package.json: in `dependencies` for what the apps
 * and libraries run (the Docker image prunes devDependencies), in either for tests, benchmarks,
 * scripts and configuration. A package that is only present because something else depends on it
 * (safe-stable-stringify through pino, once) disappears when that dependency changes.
 * The SDK's source answers to its own package.json (libs/sdk), the one it is packed with.
 */
const DEV_FILES = [...TEST_FILES, 'libs/testing/**', 'bench/**', 'scripts/**', 'test/**', '*.js', '*.mjs'];
const dependencyRules = [
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/internal-regex': '^@app/' },
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        { devDependencies: DEV_FILES, packageDir: import.meta.dirname },
      ],
    },
  },
  {
    files: ['libs/sdk/src/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        { devDependencies: false, packageDir: join(import.meta.dirname, 'libs', 'sdk') },
      ],
    },
  },
];

const layerRules = [
  ...LIBS.map((lib) => {
    const forbidden = LIBS.filter((other) => other !== lib && !LIB_IMPORTS[lib].includes(other));
    const allowed = LIB_IMPORTS[lib].length > 0 ? LIB_IMPORTS[lib].join(', ') : 'no other library';
    const patterns = forbidden
      .filter((other) => other !== 'testing')
      .map((other) => ({
        group: [`@app/${other}`],
        message: `libs/${lib} may import ${allowed} (docs/architecture.md, "Who may import whom"), not @app/${other}.`,
      }));
    if (lib !== 'testing') patterns.push(TESTING_ONLY);
    return {
      files: [`libs/${lib}/**/*.ts`],
      ignores: TEST_FILES,
      rules: { 'no-restricted-imports': restrictImports(patterns) },
    };
  }),
  {
    files: ['apps/**/*.ts'],
    ignores: TEST_FILES,
    rules: { 'no-restricted-imports': restrictImports([TESTING_ONLY]) },
  },
];

export default tseslint.config(
  // examples/ holds standalone user projects (their own tsconfig, @herald/sdk from the packed
  // tarball): libs/sdk/test/sdk-package.int-spec.ts type-checks them with their own compiler settings.
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', 'examples/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-imports': restrictImports([]),
    },
  },
  ...layerRules,
  ...dependencyRules,
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    plugins: { jest },
    languageOptions: { globals: jest.environments.globals.globals },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        globalThis: 'readonly',
        console: 'readonly',
      },
    },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
);
