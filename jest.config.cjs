// Runs every package's suite in one Jest invocation (the root `pnpm test`).

module.exports = {
  projects: ['packages/*/jest.config.cjs', 'apps/*/jest.config.cjs'],
  maxWorkers: 2,
};
