import type { z } from 'zod';
import type { ValidationIssue } from './errors/request-validation-error';

/** `['options','layers',2,'input']` → `options.layers[2].input`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * zod issues as `{path, rule, message}`; the rule is zod's issue code (`too_big`, `invalid_type`...)
 * or, for custom checks, the `rule` they name in `params`.
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): ValidationIssue[] {
  return issues.map((issue) => {
    // Custom checks name their rule in params; zod's own issues use their code.
    const named =
      issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
    return {
      path: formatPath([...prefix, ...issue.path]),
      rule: typeof named === 'string' ? named : issue.code,
      message: issue.message,
    };
  });
}
