import { CONTROL_CHARACTER } from '@darkroom/storage';

/**
 * What a recipe parameter's value may be. A value is written into storage references, so by
 * default it is one plain name: it can never add a folder level or climb out of one.
 */

/** The longest value the default rule accepts. */
export const DEFAULT_PARAM_MAX_CHARS = 200;

/**
 * The longest value any parameter accepts, whatever its pattern: a bound on what a run carries
 * into its edits, and on the work a recipe's own pattern can be made to do.
 */
export const MAX_PARAM_VALUE_CHARS = 1000;

/** The longest `pattern` a parameter may declare. */
export const MAX_PARAM_PATTERN_CHARS = 500;

/** What is wrong with a value: a rule name for machines and a sentence for people. */
export interface ParamProblem {
  rule: string;
  message: string;
}

/**
 * A parameter's pattern as a regular expression that must match the whole value, or what is wrong
 * with it. The source must compile on its own first: only then does wrapping it in `^(?:…)$`
 * anchor every alternative (`a)|(.*` would otherwise escape the group). Compiled with the `u` flag,
 * so `\p{…}` classes work and stray escapes are refused.
 */
export function compileParamPattern(source: string): RegExp | ParamProblem {
  try {
    new RegExp(source, 'u');
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    return {
      rule: 'invalid_pattern',
      message: `is not a regular expression: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/**
 * What breaks the rules for `value` of a parameter: its pattern when it has one, otherwise the
 * default rule (1–200 characters, no `/` or `\`, no control characters, not `.` or `..`).
 * Messages never repeat the value.
 */
export function paramValueProblem(
  param: { pattern?: string | undefined },
  value: string,
): ParamProblem | undefined {
  if (value.length > MAX_PARAM_VALUE_CHARS) {
    return { rule: 'too_long', message: `must be at most ${MAX_PARAM_VALUE_CHARS} characters` };
  }
  if (param.pattern !== undefined) {
    const pattern = compileParamPattern(param.pattern);
    if (!(pattern instanceof RegExp)) return pattern;
    return pattern.test(value)
      ? undefined
      : { rule: 'pattern', message: `must match the pattern ${param.pattern}` };
  }
  return defaultRuleProblem(value);
}

function defaultRuleProblem(value: string): ParamProblem | undefined {
  if (value.length === 0) return { rule: 'too_short', message: 'must not be empty' };
  if (value.length > DEFAULT_PARAM_MAX_CHARS) {
    return {
      rule: 'too_long',
      message: `must be at most ${DEFAULT_PARAM_MAX_CHARS} characters (declare a pattern for longer values)`,
    };
  }
  if (value.includes('/') || value.includes('\\')) {
    return {
      rule: 'path_separator',
      message:
        "must not hold '/' or '\\': a value names one thing and never moves a path to another folder (declare a pattern to allow more)",
    };
  }
  if (CONTROL_CHARACTER.test(value)) {
    return { rule: 'control_character', message: 'must not hold control characters' };
  }
  if (value === '.' || value === '..') {
    return { rule: 'dot_segment', message: `must not be "${value}"` };
  }
  return undefined;
}
