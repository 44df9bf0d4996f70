// Runs every package's suite in one Jest invocation (the root `pnpm test`).

module.exports = {
  projects: ['packages/*/jest.config.cjs', 'apps/*/jest.config.cjs', 'infra/jest.config.cjs'],
  maxWorkers: 2,
  // testTimeout is a global option: a project's own setting does not apply under `projects`.
  testTimeout: 60_000,
};
