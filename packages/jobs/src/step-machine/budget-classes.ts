import { getOperation, type RateLimitClass } from '@darkroom/photoshop';

/**
 * Budget classes an operation's submit draws on, tightest first: its own class, and the general
 * `submit` class too when its own is another. Whether Adobe counts a remove-background or mask
 * POST against the general POST limit is not published, so Darkroom assumes it does.
 * Throws `UnknownOperationError` for an unknown id.
 */
export function submitBudgetClassesOf(operation: string): RateLimitClass[] {
  const own = getOperation(operation).limitClasses.submit;
  return own === 'submit' ? ['submit'] : [own, 'submit'];
}

/** Budget class of an operation's submit, as its catalog entry names it. */
export function submitBudgetClassOf(operation: string): RateLimitClass {
  return getOperation(operation).limitClasses.submit;
}

/** Budget class of an operation's status polls, as its catalog entry names it. */
export function statusBudgetClassOf(operation: string): RateLimitClass {
  return getOperation(operation).limitClasses.status;
}
