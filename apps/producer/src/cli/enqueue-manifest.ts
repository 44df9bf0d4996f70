import {
  EditJobValidationError,
  IdempotencyConflictError,
  RedisUnavailableError,
  isConnectionError,
  validateEditJob,
  type EditQueue,
  type EnqueueResult,
  type JobIssue,
  type ValidatedEditJob,
} from '@darkroom/jobs';
import type { ManifestLine } from './manifest-reader';
import { ProgressReporter } from './progress-reporter';
import type { Output } from './output';

export interface ManifestSummary {
  file: string;
  lines: number;
  enqueued: number;
  duplicates: number;
  rejected: { line: number; issues: JobIssue[] }[];
}

/** Redis went away part-way: `summary` says what was enqueued before. */
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

/**
 * Validates every line on its own (a bad line is reported with its number and reasons, never
 * fatal), then enqueues the good ones in chunks with `enqueueMany`. Lines whose idempotency key
 * is already taken by a different body are rejected before their chunk is added.
 */
export async function enqueueManifest(
  edits: EditQueue,
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
  const progress = new ProgressReporter(options.out);
  let done = 0;
  let pending: { line: number; input: unknown; job: ValidatedEditJob }[] = [];

  let lastAdded = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const chunk = pending;
    pending = [];
    try {
      await addChunk(chunk);
    } catch (err) {
      if (err instanceof RedisUnavailableError || isConnectionError(err)) {
        throw new ManifestInterruptedError(summary, lastAdded, err);
      }
      throw err;
    }
    lastAdded = chunk.at(-1)?.line ?? lastAdded;
  };

  const addChunk = async (chunk: typeof pending): Promise<void> => {
    const conflicts = await edits.findIdempotencyConflicts(chunk.map((c) => c.job));
    const accepted = chunk.filter((c, i) => {
      const conflict = conflicts.get(i);
      if (conflict) {
        summary.rejected.push({
          line: c.line,
          issues: [
            { path: 'idempotencyKey', rule: 'idempotency_conflict', message: conflict.message },
          ],
        });
      }
      return !conflict;
    });
    const results = await enqueueAccepted(edits, accepted, options.chunkSize, summary);
    for (const result of results) {
      if (result.duplicate) summary.duplicates += 1;
      else summary.enqueued += 1;
    }
    done += chunk.length;
    progress.update({ done, total: lines.length, ...counts(summary) });
  };

  for (const entry of lines) {
    if ('issue' in entry) {
      summary.rejected.push({ line: entry.line, issues: [entry.issue] });
      done += 1;
      continue;
    }
    try {
      pending.push({
        line: entry.line,
        input: entry.job,
        job: await validateEditJob(entry.job, { legacyApi: edits.legacyApi }),
      });
    } catch (err) {
      if (!(err instanceof EditJobValidationError)) throw err;
      summary.rejected.push({ line: entry.line, issues: err.issues });
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
 * Enqueues `list` all at once. A key taken by another producer between the conflict check and
 * the add refuses the whole list with nothing stored: those lines are rejected and the rest go
 * again.
 */
async function enqueueAccepted(
  edits: EditQueue,
  list: readonly { line: number; input: unknown }[],
  chunkSize: number,
  summary: ManifestSummary,
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
        summary.rejected.push({
          line: c.line,
          issues: [{ path: 'idempotencyKey', rule: 'idempotency_conflict', message: err.message }],
        });
      }
      accepted = accepted.filter((_, i) => !refused.has(i));
    }
  }
}

function counts(s: ManifestSummary): { enqueued: number; duplicates: number; rejected: number } {
  return { enqueued: s.enqueued, duplicates: s.duplicates, rejected: s.rejected.length };
}
