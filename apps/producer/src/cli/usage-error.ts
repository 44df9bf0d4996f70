import { isRunId, type JobIssue } from '@darkroom/jobs';

/** Bad arguments or configuration: exit code 2 with a message that says what to type instead. */
export class UsageError extends Error {
  readonly issues: JobIssue[] | undefined;
  constructor(message: string, issues?: JobIssue[]) {
    super(message);
    this.name = this.constructor.name;
    this.issues = issues;
  }
}

/**
 * A job or recipe run that does not exist: exit code 4. `where` says where it was looked for (`in
 * queue edits`, `at https://darkroom.internal`) and `variable` which setting chooses that place.
 */
export class JobNotFoundError extends Error {
  readonly jobId: string;
  constructor(jobId: string, where: string, variable: string) {
    const what = isRunId(jobId) ? 'run' : 'edit job';
    super(`no ${what} ${jobId} ${where}: use the id enqueue or run printed, and check ${variable}`);
    this.name = this.constructor.name;
    this.jobId = jobId;
  }
}

/**
 * `darkroom run <name>` names no recipe the deployment has: bad usage (exit 2). `where` says whose
 * recipes were looked in (`DARKROOM_RECIPES (recipes.json)`, `the producer at …`).
 */
export class UnknownRecipeError extends UsageError {
  readonly recipe: string;
  constructor(recipe: string, where: string) {
    super(
      `no recipe ${recipe} in ${where}; give a recipe's name, or the path of a recipe JSON file (ending in .json)`,
    );
    this.recipe = recipe;
  }
}
