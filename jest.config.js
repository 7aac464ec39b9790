/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // tsconfig.json sets isolatedModules: ts-jest transpiles only; `npm run typecheck` type-checks.
    '^.+\\.ts$': 'ts-jest',
    // `cookie` 2 (light-my-request, behind fastify's `inject`) is ESM-only, which
    // Jest cannot require on Node < 24.9: transpile it to CommonJS.
    '/node_modules/cookie/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  // The construct library is a workspace package; tests use its sources (as tsconfig.json's `paths` does).
  moduleNameMapper: { '^@ev-pipeline/cdktf-mesh-constructs$': '<rootDir>/modules/index.ts' },
  // Builds dist/ once for the suites that start the built services as processes.
  globalSetup: '<rootDir>/__tests__/global-setup.ts',
  testTimeout: 30_000,
};
