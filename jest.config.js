// Three tiers (docs/architecture.md): unit tests beside the code (*.spec.ts), integration tests on
// real Kafka and PostgreSQL (*.int-spec.ts), end-to-end tests that start the built apps the
// way a user does (test/e2e/*.e2e-spec.ts); and the chaos runs (test/chaos, npm run test:chaos,
// not part of npm test). @swc/jest compiles TypeScript with decorator
// metadata (Nest DI needs it) in a fraction of ts-jest's time; `npm run lint` type-checks.
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};

const project = (displayName, testMatch, extra = {}) => ({
  displayName,
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch,
  transform,
  moduleNameMapper,
  ...extra,
});

module.exports = {
  // Real brokers and booting apps take seconds, not milliseconds; unit tests finish far below.
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  projects: [
    project('unit', ['<rootDir>/{apps,libs,bench}/**/*.spec.ts']),
    project('integration', ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'], {
      slowTestThreshold: 30,
      testTimeout: 60_000,
    }),
    project('e2e', ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], { slowTestThreshold: 60 }),
    // `npm run test:chaos` only (HERALD_TEST_CHAOS=1): long fault runs on their own clusters, whose
    // figures go to docs/reliability.md; `npm test` stays within its time budget without them.
    ...(process.env.HERALD_TEST_CHAOS === '1'
      ? [project('chaos', ['<rootDir>/test/chaos/**/*.chaos-spec.ts'], { slowTestThreshold: 300 })]
      : []),
  ],
};
