import { formatPath, type LegacyPolicy } from '@darkroom/photoshop';
import { validateEditJob } from '../edit-job';
import { EditJobValidationError, type JobIssue } from '../errors/edit-job-validation-error';
import type { PlannedStep, RecipePlan } from './recipe-plan';

/**
 * Checks every planned step as the edit it becomes, with every rule an enqueued edit meets, and
 * returns the issues under the step's path (`steps.composite.outputs[0].width`).
 */
export async function stepEditIssues(
  plan: RecipePlan,
  options: { legacyApi?: LegacyPolicy },
): Promise<JobIssue[]> {
  const issues: JobIssue[] = [];
  for (const step of plan.steps) {
    try {
      await validateEditJob(step.edit, { legacyApi: options.legacyApi ?? 'allow' });
    } catch (err) {
      if (!(err instanceof EditJobValidationError)) throw err;
      issues.push(...err.issues.map((issue) => ({ ...issue, path: reroot(step, issue.path) })));
    }
  }
  return issues;
}

function reroot(step: PlannedStep, path: string): string {
  const root = formatPath(['steps', step.name]);
  return path === '' ? root : `${root}.${path}`;
}
