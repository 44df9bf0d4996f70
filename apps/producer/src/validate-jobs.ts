import {
  EditJobValidationError,
  validateEditJob,
  type JobIssue,
  type ValidatedEditJob,
} from '@darkroom/jobs';
import type { LegacyPolicy } from '@darkroom/photoshop';

/** Each job validated on its own: the valid ones, and the issues of each bad one by index. */
export interface ValidatedList {
  valid: { index: number; job: ValidatedEditJob }[];
  rejected: { index: number; issues: JobIssue[] }[];
}

/**
 * Validates every job separately, so one bad job is reported with its own issues instead of
 * hiding the rest. Nothing touches Redis.
 */
export async function validateJobs(
  inputs: readonly unknown[],
  options: { legacyApi?: LegacyPolicy } = {},
): Promise<ValidatedList> {
  const result: ValidatedList = { valid: [], rejected: [] };
  for (const [index, input] of inputs.entries()) {
    try {
      result.valid.push({ index, job: await validateEditJob(input, options) });
    } catch (err) {
      if (!(err instanceof EditJobValidationError)) throw err;
      result.rejected.push({ index, issues: err.issues });
    }
  }
  return result;
}

/** `outputs[0].ref` under `jobs[3]` becomes `jobs[3].outputs[0].ref`; the job itself is `jobs[3]`. */
export function prefixPath(prefix: string, path: string): string {
  return path ? `${prefix}.${path}` : prefix;
}
