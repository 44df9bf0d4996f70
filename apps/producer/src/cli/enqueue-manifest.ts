import {
  EditJobValidationError,
  IdempotencyConflictError,
  validateEditJob,
  type EditQueue,
  type EnqueueResult,
  type JobIssue,
  type ValidatedEditJob,
} from '@darkroom/jobs';
import type { ManifestLine } from './manifest-reader';
import { ProgressReporter } from './progress-reporter';
import type { Output } from './output';
import { isUnreachable } from './unreachable';

export interface ManifestSummary {
  file: string;
  lines: number;
  enqueued: number;
  duplicates: number;
  rejected: { line: number; issues: JobIssue[] }[];
}

/** Redis or the producer went away part-way: `summary` says what was enqueued before. */
export class ManifestInterruptedError extends Error {
  readonly summary: ManifestSummary;
  readonly lastLine: number;
  constructor(summary: ManifestSummary, lastLine: number, cause: unknown) {
    super(`stopped after line ${lastLine}`, { cause });
    this.name = this.constructor.name;
    this.summary = summary;
    this.lastLine = lastLine;
  }
}

/** A manifest line waiting for its chunk: what it said, and what the target made of it. */
export interface ManifestEntry<J> {
  line: number;
  input: unknown;
  job: J;
}

/**
 * Where a manifest's jobs go: Redis through `EditQueue`, or a producer over HTTP. `prepare`
 * checks one line on its own before it joins a chunk (an `EditJobValidationError` rejects the
 * line); `add` enqueues a chunk, tells `reject` about each line it refused, and returns the
 * results of the others.
 */
export interface ManifestTarget<J> {
  prepare(input: unknown): Promise<J>;
  add(
    chunk: readonly ManifestEntry<J>[],
    reject: (line: number, issues: JobIssue[]) => void,
  ): Promise<EnqueueResult[]>;
}

/**
 * Reads every line on its own (a bad line is reported with its number and reasons, never
 * fatal), then enqueues the good ones in chunks of `chunkSize` through `target`.
 */
export async function enqueueManifest<J>(
  target: ManifestTarget<J>,
  file: string,
  lines: ManifestLine[],
  options: { chunkSize: number; out: Output },
): Promise<ManifestSummary> {
  const summary: ManifestSummary = {
    file,
    lines: lines.length,
    enqueued: 0,
    duplicates: 0,
    rejected: [],
  };
  const reject = (line: number, issues: JobIssue[]): void => {
    summary.rejected.push({ line, issues });
  };
  const progress = new ProgressReporter(options.out);
  let done = 0;
  let pending: ManifestEntry<J>[] = [];
  let lastAdded = 0;

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const chunk = pending;
    pending = [];
    let results: EnqueueResult[];
    try {
      results = await target.add(chunk, reject);
    } catch (err) {
      if (isUnreachable(err)) throw new ManifestInterruptedError(summary, lastAdded, err);
      throw err;
    }
    lastAdded = chunk.at(-1)?.line ?? lastAdded;
    for (const result of results) {
      if (result.duplicate) summary.duplicates += 1;
      else summary.enqueued += 1;
    }
    done += chunk.length;
    progress.update({ done, total: lines.length, ...counts(summary) });
  };

  for (const entry of lines) {
    if ('issue' in entry) {
      reject(entry.line, [entry.issue]);
      done += 1;
      continue;
    }
    try {
      pending.push({ line: entry.line, input: entry.job, job: await target.prepare(entry.job) });
    } catch (err) {
      if (!(err instanceof EditJobValidationError)) throw err;
      reject(entry.line, err.issues);
      done += 1;
      continue;
    }
    if (pending.length >= options.chunkSize) await flush();
  }
  await flush();
  progress.update({ done: lines.length, total: lines.length, ...counts(summary) });
  progress.finish();
  summary.rejected.sort((a, b) => a.line - b.line);
  return summary;
}

/**
 * Redis as a manifest's target: each line validated here with the CLI's DARKROOM_LEGACY_API;
 * lines whose idempotency key is already taken by a different body are rejected before their
 * chunk is added with `enqueueMany`.
 */
export function editQueueTarget(
  edits: EditQueue,
  chunkSize: number,
): ManifestTarget<ValidatedEditJob> {
  return {
    prepare: (input) => validateEditJob(input, { legacyApi: edits.legacyApi }),
    async add(chunk, reject) {
      const conflicts = await edits.findIdempotencyConflicts(chunk.map((c) => c.job));
      const accepted = chunk.filter((c, i) => {
        const conflict = conflicts.get(i);
        if (conflict) {
          reject(c.line, [
            { path: 'idempotencyKey', rule: 'idempotency_conflict', message: conflict.message },
          ]);
        }
        return !conflict;
      });
      return enqueueAccepted(edits, accepted, chunkSize, reject);
    },
  };
}

/**
 * Enqueues `list` all at once. A key taken by another producer between the conflict check and
 * the add refuses the whole list with nothing stored: those lines are rejected and the rest go
 * again.
 */
async function enqueueAccepted(
  edits: EditQueue,
  list: readonly { line: number; input: unknown }[],
  chunkSize: number,
  reject: (line: number, issues: JobIssue[]) => void,
): Promise<EnqueueResult[]> {
  for (let accepted = list; ;) {
    try {
      return await edits.enqueueMany(
        accepted.map((c) => c.input),
        { chunkSize },
      );
    } catch (err) {
      if (!(err instanceof IdempotencyConflictError) || err.inFlight) throw err;
      const refused = new Set(err.conflicts.map((c) => c.index));
      for (const [i, c] of accepted.entries()) {
        if (!refused.has(i)) continue;
        reject(c.line, [
          { path: 'idempotencyKey', rule: 'idempotency_conflict', message: err.message },
        ]);
      }
      accepted = accepted.filter((_, i) => !refused.has(i));
    }
  }
}

function counts(s: ManifestSummary): { enqueued: number; duplicates: number; rejected: number } {
  return { enqueued: s.enqueued, duplicates: s.duplicates, rejected: s.rejected.length };
}
