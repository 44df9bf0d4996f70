import { formatPath } from '@darkroom/photoshop';
import type { JobIssue } from '../errors/edit-job-validation-error';
import { scanPlaceholders } from './placeholders';
import type { Recipe } from './recipe-schema';
import { stringsOf } from './step-values';

/**
 * The recipe's placeholders against its params: each `{{name}}` well formed, in a value (never a
 * key) and declared; each declared parameter used somewhere.
 */
export function placeholderIssues(recipe: Recipe): JobIssue[] {
  const declared = recipe.params ?? {};
  const used = new Set<string>();
  const issues: JobIssue[] = [];
  for (const [step, def] of Object.entries(recipe.steps)) {
    const { strings, keys } = stringsOf(def);
    for (const key of keys) {
      issues.push({
        path: formatPath(['steps', step, ...key.path]),
        rule: 'placeholder_in_key',
        message: 'placeholders go in values, never in keys',
      });
    }
    for (const { path, text } of strings) {
      const at = formatPath(['steps', step, ...path]);
      const scan = scanPlaceholders(text);
      if (scan.problem)
        issues.push({ path: at, rule: 'placeholder_syntax', message: scan.problem });
      for (const name of scan.names) {
        used.add(name);
        if (!Object.hasOwn(declared, name)) {
          issues.push({
            path: at,
            rule: 'undeclared_param',
            message: `{{${name}}} names no declared parameter: declare ${name} in params`,
          });
        }
      }
    }
  }
  for (const name of Object.keys(declared)) {
    if (used.has(name)) continue;
    issues.push({
      path: formatPath(['params', name]),
      rule: 'unused_param',
      message: `${name} is declared but no step holds {{${name}}}`,
    });
  }
  return issues;
}
