// Runs every package's suite in one Jest invocation (the root `pnpm test`).
const path = require('node:path');

const testing = path.join(__dirname, 'packages/testing/src');

module.exports = {
  projects: ['packages/*/jest.config.cjs', 'apps/*/jest.config.cjs', 'infra/jest.config.cjs'],
  maxWorkers: 2,
  // testTimeout is a global option: a project's own setting does not apply under `projects`.
  testTimeout: 60_000,
  // The suites' Redis: REDIS_URL, else the one on 127.0.0.1:6379, else a redis-server started for
  // the run, whose URL the setup puts in REDIS_URL before Jest starts the test processes.
  globalSetup: path.join(testing, 'jest-global-setup.ts'),
  globalTeardown: path.join(testing, 'jest-global-teardown.ts'),
};
