export { RateBudget } from './rate-budget';
export type {
  RateBudgetOptions,
  RateBudgetAimdOptions,
  TryTakeResult,
  TakeOptions,
  BudgetState,
  BudgetWindowState,
} from './rate-budget';
export type { BudgetWindow, BudgetClassPolicy, BudgetClass, BudgetPolicies } from './budget-policy';
export { adobeDefaultPolicies, scalePolicies, smoothPolicies } from './adobe-policies';
export type { AdobeDefaultPoliciesOptions } from './adobe-policies';
export { BudgetError, BudgetInputError, BudgetWaitTimeoutError } from './budget-errors';
