// The one Jest preset every package uses: ts-jest in transpile-only mode (type-checking is
// the separate `typecheck` task), Node environment, tests under test/.
const path = require('node:path');

/** @param {string} dir the package directory */
module.exports = function preset(dir) {
  return {
    displayName: path.basename(dir),
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': [
        'ts-jest',
        { tsconfig: path.join(dir, 'tsconfig.json'), transpilation: true, diagnostics: false },
      ],
    },
    moduleFileExtensions: ['ts', 'js', 'json', 'node'],
    testTimeout: 60_000,
    // A test that leaves a server, worker or connection open fails instead of hanging.
    detectOpenHandles: false,
  };
};
