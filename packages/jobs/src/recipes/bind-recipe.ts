import { formatPath, type LegacyPolicy } from '@darkroom/photoshop';
import type { EditJobInput } from '../edit-job';
import type { JobIssue } from '../errors/edit-job-validation-error';
import { bindParams } from './param-binding';
import { fillPlaceholders } from './placeholders';
import { planRecipe, type RecipePlan } from './recipe-plan';
import { namedRefsOf, refConflictIssues, scratchIssues, type StepRef } from './recipe-refs';
import { RecipeValidationError } from './recipe-validation-error';
import { stepEditIssues } from './step-edit-issues';
import { checkRecipe } from './validate-recipe';

/** Run ids: they become a folder of scratch references, so plain and short. */
export const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Where one run of a recipe puts its files. */
export interface BindRecipeOptions {
  /** The run's id (`RUN_ID`): names its folder under `scratch`. */
  runId: string;
  /**
   * A storage reference prefix ending in `/` (`s3://darkroom-scratch/runs/`): every intermediate
   * output is written at `<scratch><runId>/<step>/<index>.<ext>`.
   */
  scratch: string;
  /** What to do with steps on retired Adobe APIs, as for a single edit. @defaultValue 'allow' */
  legacyApi?: LegacyPolicy;
}

/** One step of a bound run: the edit to enqueue once the steps it reads from have finished. */
export interface BoundStep {
  name: string;
  /** The steps whose outputs this one reads, in run order. */
  needs: string[];
  /** The edit: operation, input, outputs and options; the run adds who pays, priority and deadline. */
  edit: EditJobInput;
}

/** A recipe bound to one run's parameters and places. */
export interface BoundRecipe {
  /** Every step, each after the steps it reads from. */
  steps: BoundStep[];
  /** Every scratch reference the run writes, to delete when it ends. */
  intermediates: string[];
  /** Every reference the run leaves behind. */
  finals: string[];
}

/**
 * Binds a recipe to one run: checks the recipe and the run's parameter values, fills the
 * placeholders, places each intermediate output under `<scratch><runId>/`, and turns every
 * `{ from }` into the reference of the output it names. Each bound edit is held to every rule of
 * `validateEditJob`, so a run that binds does not fail later on a value. Throws
 * `RecipeValidationError` listing every issue.
 *
 * The last check is the guarantee that no edit is handed an output outside the places the recipe
 * and the deployment configure: each output is one of the recipe's final references (after
 * substitution, never under `scratch`) or a scratch reference of this run. No parameter value
 * can move one: default-rule values hold no `/`, references are parsed with their `..` refused,
 * and placeholders never stand in a bucket, account or container.
 */
export async function bindRecipe(
  recipe: unknown,
  params: unknown,
  options: BindRecipeOptions,
): Promise<BoundRecipe> {
  const { runId, scratch } = options;
  const runIssues: JobIssue[] = RUN_ID.test(runId)
    ? scratchIssues(scratch, runId)
    : [
        {
          path: 'runId',
          rule: 'run_id',
          message: 'runId must be 1 to 80 letters, digits, "_" or "-"',
        },
      ];
  if (runIssues.length > 0) throw new RecipeValidationError(runIssues);
  const checked = checkRecipe(recipe);
  const values = bindParams(checked.params, params);
  const valueOf = (name: string) => values.get(name) ?? '';
  const named = namedRefsOf(checked, (text) => fillPlaceholders(text, valueOf));
  const scratchRun = `${scratch}${runId}/`;
  const plan = planRecipe(checked, valueOf, scratchRun);
  const issues = [...refConflictIssues(named), ...(await stepEditIssues(plan, options))];
  if (issues.length > 0) throw new RecipeValidationError(issues);
  const misplaced = placementIssues(plan, named, scratch, scratchRun);
  if (misplaced.length > 0) throw new RecipeValidationError(misplaced);
  return {
    steps: plan.steps.map(({ name, needs, edit }) => ({ name, needs, edit })),
    intermediates: plan.intermediates,
    finals: plan.finals,
  };
}

/**
 * Every output of every bound edit is a final reference outside scratch, or under this run's
 * scratch folder; no step reads a scratch file by name (another run's intermediate).
 */
export function placementIssues(
  plan: RecipePlan,
  named: readonly StepRef[],
  scratch: string,
  scratchRun: string,
): JobIssue[] {
  const finals = new Set(plan.finals);
  const issues: JobIssue[] = [];
  for (const step of plan.steps) {
    step.edit.outputs.forEach((output, i) => {
      const path = formatPath(['steps', step.name, 'outputs', i, 'ref']);
      if (finals.has(output.ref) && output.ref.startsWith(scratch)) {
        issues.push({
          path,
          rule: 'final_in_scratch',
          message: `a final output may not be written under the scratch prefix ${scratch}: scratch is emptied after each run and holds other runs' files`,
        });
      } else if (!finals.has(output.ref) && !output.ref.startsWith(scratchRun)) {
        issues.push({
          path,
          rule: 'output_outside_prefixes',
          message: `the output is neither one of the recipe's final references nor under ${scratchRun}`,
        });
      }
    });
  }
  for (const read of named.filter((r) => r.access === 'read' && r.ref.startsWith(scratch))) {
    issues.push({
      path: formatPath(['steps', read.step, ...read.path]),
      rule: 'scratch_read',
      message: `a step may not name a file under the scratch prefix ${scratch}: read an earlier step's output with { from }`,
    });
  }
  return issues;
}
