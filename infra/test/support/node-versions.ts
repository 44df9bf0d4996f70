import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/**
 * The Node majors Darkroom is tested on: the caret ranges of the root package.json's
 * engines.node, which `./darkroom` and `.ci/run` read too.
 */
export const TESTED_NODE_MAJORS: number[] = [
  ...(
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      engines: { node: string };
    }
  ).engines.node.matchAll(/\^(\d+)\./g),
].map((m) => Number(m[1]));

/** The newest of them: what the images run and CI's second run uses. */
export const NEWEST_TESTED_NODE = Math.max(...TESTED_NODE_MAJORS);
