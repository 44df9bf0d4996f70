import { formatPath } from '@darkroom/photoshop';
import type { JobIssue } from '../errors/edit-job-validation-error';
import { paramValueProblem } from './param-rules';
import type { RecipeParam } from './recipe-schema';
import { RecipeValidationError } from './recipe-validation-error';

/**
 * The value of every declared parameter for one run: given, or its default. Refuses names the
 * recipe does not declare, a missing value without a default, and a value that breaks its
 * pattern or the default rule, listing every problem at once (`params.sku`).
 */
export function bindParams(
  declared: Readonly<Record<string, RecipeParam>> | undefined,
  given: unknown,
): Map<string, string> {
  if (
    given !== undefined &&
    (typeof given !== 'object' || given === null || Array.isArray(given))
  ) {
    throw new RecipeValidationError([
      { path: 'params', rule: 'invalid_type', message: 'params must be an object of strings' },
    ]);
  }
  const values = (given ?? {}) as Record<string, unknown>;
  const params = declared ?? {};
  const issues: JobIssue[] = [];
  const names = Object.keys(params);
  for (const name of Object.keys(values)) {
    if (Object.hasOwn(params, name)) continue;
    issues.push({
      path: formatPath(['params', name]),
      rule: 'unknown_param',
      message: `this recipe declares no parameter ${name}${names.length > 0 ? ` (it declares ${names.join(', ')})` : ''}`,
    });
  }
  const bound = new Map<string, string>();
  for (const [name, param] of Object.entries(params)) {
    const value = values[name] === undefined ? param.default : values[name];
    const problem =
      value === undefined
        ? { rule: 'required', message: 'is required (it has no default)' }
        : typeof value !== 'string'
          ? { rule: 'invalid_type', message: 'must be a string' }
          : paramValueProblem(param, value);
    if (problem) {
      issues.push({
        path: formatPath(['params', name]),
        rule: problem.rule,
        message: `${name} ${problem.message}`,
      });
    } else if (typeof value === 'string') bound.set(name, value);
  }
  if (issues.length > 0) throw new RecipeValidationError(issues);
  return bound;
}
