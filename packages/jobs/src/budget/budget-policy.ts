import { BudgetInputError } from './budget-errors';

/** At most `limit` grants in any span of `windowMs` milliseconds (a sliding window). */
export interface BudgetWindow {
  limit: number;
  windowMs: number;
}

/** Every window of a class holds at once: a token is granted only when all of them have room. */
export interface BudgetClassPolicy {
  windows: BudgetWindow[];
}

/**
 * A kind of call that is budgeted separately: Adobe's classes (`RateLimitClass` in
 * `@darkroom/photoshop`: `submit`, `status`, `submit-cutout`, ...) or any a caller defines.
 */
export type BudgetClass = string;

export type BudgetPolicies = Record<BudgetClass, BudgetClassPolicy>;

/**
 * Names that end up inside Redis keys (account labels and class names). Letters, digits and
 * `. _ @ + -` cover credential ids, e-mail-like labels and slugs, and exclude what would break a
 * key: `:` (our separator), `{` `}` (Redis Cluster hash tags), whitespace, glob characters.
 */
const NAME = /^[A-Za-z0-9._@+-]{1,128}$/;

export function assertName(path: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new BudgetInputError(path, 'must be a string');
  // The value itself stays out of the message: a mistaken caller may pass a credential here.
  if (!NAME.test(value)) {
    throw new BudgetInputError(
      path,
      'must be 1 to 128 characters from letters, digits and . _ @ + - (no spaces, colons or braces)',
      `${value.length} characters`,
    );
  }
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Checks policies once, at construction, so a typo fails at start-up rather than per call. */
export function validatePolicies(policies: unknown, path = 'policies'): BudgetPolicies {
  if (typeof policies !== 'object' || policies === null) {
    throw new BudgetInputError(path, 'must be an object of class name to policy');
  }
  const entries = Object.entries(policies);
  if (entries.length === 0) throw new BudgetInputError(path, 'must define at least one class');
  for (const [cls, policy] of entries) {
    assertName(`${path} key`, cls);
    const at = `${path}.${cls}`;
    const windows: unknown = (policy as { windows?: unknown } | null)?.windows;
    if (!Array.isArray(windows) || windows.length === 0) {
      throw new BudgetInputError(`${at}.windows`, 'must be a non-empty array');
    }
    const seen = new Set<number>();
    windows.forEach((w: unknown, i) => {
      const { limit, windowMs } = (w ?? {}) as Partial<BudgetWindow>;
      if (!isPositiveInteger(limit)) {
        throw new BudgetInputError(
          `${at}.windows[${i}].limit`,
          'must be a positive integer',
          String(limit),
        );
      }
      if (!isPositiveInteger(windowMs)) {
        throw new BudgetInputError(
          `${at}.windows[${i}].windowMs`,
          'must be a positive integer number of milliseconds',
          String(windowMs),
        );
      }
      if (seen.has(windowMs)) {
        throw new BudgetInputError(
          `${at}.windows[${i}].windowMs`,
          'must differ from the other windows of the class',
          String(windowMs),
        );
      }
      seen.add(windowMs);
    });
  }
  return policies as BudgetPolicies;
}
