import { getOperation, type RateLimitClass } from '@darkroom/photoshop';

/**
 * Budget class of an operation's submit, as its catalog entry names it: remove background and
 * masking have Adobe's own, tighter limits. Throws `UnknownOperationError` for an unknown id.
 */
export function submitBudgetClassOf(operation: string): RateLimitClass {
  return getOperation(operation).limitClasses.submit;
}

/** Budget class of an operation's status polls, as its catalog entry names it. */
export function statusBudgetClassOf(operation: string): RateLimitClass {
  return getOperation(operation).limitClasses.status;
}
