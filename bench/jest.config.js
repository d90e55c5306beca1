// Runs bench/*.bench.ts with the test suite's transform, so benchmarks can reuse the
// test servers (the OpenAPI-checked GitHub API). Not part of `npm test`.
import base from '../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '..',
  roots: ['<rootDir>/bench'],
  testMatch: ['**/*.bench.ts'],
  testTimeout: 120000,
};
