#!/usr/bin/env node
// The `darkroom` command. Darkroom's packages are TypeScript sources with no build step, so the
// launcher registers tsx's CommonJS hook and runs the TypeScript entry point directly.
require('tsx/cjs');
require('../src/cli/main.ts');
