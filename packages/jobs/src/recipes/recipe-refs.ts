import { formatPath, joinStorageRef, splitStorageRef } from '@darkroom/photoshop';
import { parseRef, StorageRefError } from '@darkroom/storage';
import type { JobIssue } from '../errors/edit-job-validation-error';
import { fillPlaceholders, hasPlaceholder, literalPrefix } from './placeholders';
import type { Recipe } from './recipe-schema';
import { refsNamedIn, type NamedRef } from './step-values';

/** A storage reference a step writes out, with the step's name. */
export interface StepRef extends NamedRef {
  step: string;
}

/**
 * Where a store begins in a reference, the part that picks whose files these are:
 * `s3://bucket/`, `azure://account/container/`, `dropbox:/`. Undefined when the text is no
 * reference at all (the edit checks report that).
 */
export function storeRootOf(ref: string): string | undefined {
  const split = splitStorageRef(ref);
  if (!split.ok) return undefined;
  const parsed = split.ref;
  switch (parsed.scheme) {
    case 's3':
      return joinStorageRef({ ...parsed, key: '' });
    case 'azure':
      return joinStorageRef({ ...parsed, blob: '' });
    case 'dropbox':
      return joinStorageRef({ ...parsed, path: '/' });
  }
}

/** Every reference each step writes out, through `fill` (the identity for templates). */
export function namedRefsOf(recipe: Recipe, fill: (text: string) => string = (t) => t): StepRef[] {
  return Object.entries(recipe.steps).flatMap(([step, def]) =>
    refsNamedIn(def).map((named) => ({ ...named, step, ref: fill(named.ref) })),
  );
}

/**
 * Placeholders only in the object part of a reference: the bucket, or the account and container,
 * are written out in the recipe, so no parameter value can read from or write to another store.
 */
export function storeRootIssues(recipe: Recipe): JobIssue[] {
  return namedRefsOf(recipe)
    .filter(({ ref }) => hasPlaceholder(ref))
    .flatMap(({ step, path, ref }) => {
      const root = storeRootOf(fillPlaceholders(ref, () => 'x'));
      if (root === undefined || literalPrefix(ref).length >= root.length) return [];
      return [
        {
          path: formatPath(['steps', step, ...path]),
          rule: 'placeholder_in_root',
          message:
            'a parameter may not choose the store: write out s3://bucket/, azure://account/container/ or dropbox:/ and put placeholders after it',
        },
      ];
    });
}

/**
 * Two outputs of one run writing the same file, and a step reading by name a file another step
 * writes (it must say `{ from }`, or nothing makes it wait for the writer).
 */
export function refConflictIssues(refs: readonly StepRef[]): JobIssue[] {
  const issues: JobIssue[] = [];
  const writers = new Map<string, StepRef>();
  for (const write of refs.filter((r) => r.access === 'write')) {
    const first = writers.get(write.ref);
    if (!first) {
      writers.set(write.ref, write);
      continue;
    }
    issues.push({
      path: formatPath(['steps', write.step, ...write.path]),
      rule: 'duplicate_output',
      message: `${formatPath(['steps', first.step, ...first.path])} writes the same file: two outputs of one run may not write one file`,
    });
  }
  for (const read of refs.filter((r) => r.access === 'read')) {
    const writer = writers.get(read.ref);
    if (!writer || writer.step === read.step) continue;
    issues.push({
      path: formatPath(['steps', read.step, ...read.path]),
      rule: 'unordered_read',
      message: `step ${writer.step} writes this file: read it with { from: "${writer.step}", output: ${String(writer.path[1])} } so that ${read.step} runs after it`,
    });
  }
  return issues;
}

/**
 * A scratch prefix must end with `/`, name a whole store root (`s3://bucket/…`) and, with the run
 * id and a step's file name after it, make a reference every provider accepts.
 */
export function scratchIssues(scratch: unknown, runId: string): JobIssue[] {
  const issue = (message: string, rule = 'scratch_prefix') => [{ path: 'scratch', rule, message }];
  if (typeof scratch !== 'string' || !scratch.endsWith('/')) {
    return issue('scratch must be a storage reference prefix ending in "/" (s3://bucket/runs/)');
  }
  const root = storeRootOf(`${scratch}x`);
  if (root === undefined || !scratch.startsWith(root)) {
    return issue(
      'scratch must name its whole store: s3://bucket/…, azure://account/container/… or dropbox:/…',
    );
  }
  try {
    parseRef(`${scratch}${runId}/step/0.png`);
  } catch (err) {
    if (!(err instanceof StorageRefError)) throw err;
    return issue(`scratch does not make storage references: ${err.message}`, err.rule);
  }
  return [];
}
