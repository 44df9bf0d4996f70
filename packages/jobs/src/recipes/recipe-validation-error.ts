import { EditJobValidationError, type JobIssue } from '../errors/edit-job-validation-error';

/**
 * A recipe, or a run of one, that failed validation: every issue names where (`steps.cutout.input`,
 * `params.sku`) and which rule. It is an `EditJobValidationError`, so whatever already answers a
 * refused edit (the producer's 400, the CLI's message) answers a refused recipe the same way.
 */
export class RecipeValidationError extends EditJobValidationError {
  constructor(issues: JobIssue[]) {
    super(issues);
    this.message = `invalid recipe: ${issues.map((i) => `${i.path || '(recipe)'}: ${i.message}`).join('; ')}`;
  }
}
