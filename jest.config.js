/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } },
    ],
  },
  testTimeout: 30000,
  // Most of a run is waiting: on real servers, HAProxy, and the gcloud, kubectl,
  // vercel and eas CLIs. Two workers on CI's two cores halve the wall time; Jest's
  // default (cores - 1) would run one file at a time there.
  maxWorkers: 2,
  // A run that includes the bundles' tests refuses a stale dist/ (scripts/source-hash.mjs).
  globalSetup: '<rootDir>/__tests__/support/fresh-bundles.mjs',
};
