/**
 * `{{name}}` placeholders: where a recipe's parameters go in the string values of its steps.
 */

/** Parameter names, as written between braces: `{{sku}}`. */
export const PARAM_NAME = /^[a-z][a-zA-Z0-9_]{0,31}$/;

/** The rule on parameter names, for messages. */
export const PARAM_NAME_RULE =
  'parameter names start with a lowercase letter and hold letters, digits and "_", up to 32 characters';

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** The parameters a text names, in order, or why its braces are not placeholders. */
export interface PlaceholderScan {
  names: string[];
  problem?: string;
}

/**
 * Finds the placeholders in `text`. Every `{{` must open one, with a parameter name inside:
 * `{{ sku }}` or a lone `{{` is refused rather than left in a storage reference or a text layer.
 */
export function scanPlaceholders(text: string): PlaceholderScan {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!PARAM_NAME.test(name)) {
      return { names, problem: `${match[0]} is not a placeholder: ${PARAM_NAME_RULE}` };
    }
    names.push(name);
  }
  if (text.replace(PLACEHOLDER, '').includes('{{')) {
    return { names, problem: `holds "{{" that opens no {{name}} placeholder` };
  }
  return { names };
}

/** Whether a text holds anything that looks like a placeholder. */
export function hasPlaceholder(text: string): boolean {
  return text.includes('{{');
}

/** `text` with each placeholder replaced by `valueOf(name)`; the value is never re-read. */
export function fillPlaceholders(text: string, valueOf: (name: string) => string): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => valueOf(name));
}

/** What a text says before its first placeholder: the part no parameter can change. */
export function literalPrefix(text: string): string {
  const open = text.indexOf('{{');
  return open === -1 ? text : text.slice(0, open);
}
