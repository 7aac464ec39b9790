/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // isolatedModules: transpile only; `npm run typecheck` does the type checking.
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true }],
    // `cookie` 2 (light-my-request, behind fastify's `inject`) is ESM-only, which
    // Jest cannot require on Node < 24.9: transpile it to CommonJS.
    '/node_modules/cookie/.+\\.js$': ['ts-jest', { isolatedModules: true, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  testTimeout: 30_000,
};
