import {
  DEFAULT_PRIORITY,
  MAX_PRIORITY_HANDICAP_MS,
  PRIORITY_STEP_MS,
  editJobInputSchema,
} from '@darkroom/jobs';
import { UsageError } from './usage-error';

/** The BullMQ priority whose handicap in its tenant's line is `minutes` (1 is the highest). */
const leadOf = (minutes: number): number => (minutes * 60_000) / PRIORITY_STEP_MS + 1;

/**
 * The priorities the CLI takes by name (`--priority high`, the CSV `priority` column), as the
 * BullMQ priorities an edit carries. Fair dispatch counts priority `p` as enqueued
 * `(p − 1) × PRIORITY_STEP_MS` later within its tenant, so each name is a lead in time: an
 * interactive edit goes ten minutes ahead of normal work, a batch edit an hour behind new work
 * (the longest handicap there is) but never starves.
 */
export const PRIORITIES = {
  /** Someone is waiting for it: no handicap. */
  interactive: leadOf(0),
  /** Nine minutes ahead of normal work. */
  high: leadOf(1),
  /** What an edit without a priority counts as. */
  normal: DEFAULT_PRIORITY,
  /** Twenty minutes behind normal work. */
  low: leadOf(30),
  /** The largest handicap: an hour behind new work. */
  batch: leadOf(MAX_PRIORITY_HANDICAP_MS / 60_000),
} as const;

export type PriorityName = keyof typeof PRIORITIES;

const NAMES = Object.keys(PRIORITIES) as PriorityName[];
const isName = (value: string): value is PriorityName => Object.hasOwn(PRIORITIES, value);
const priorityRule = editJobInputSchema.shape.priority.unwrap();

/** A named priority's number; anything else unchanged (validation then names its rule). */
export function priorityCell(value: string): number | string {
  const name = value.trim().toLowerCase();
  if (isName(name)) return PRIORITIES[name];
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/**
 * `--priority <name|number>`: a name of {@link PRIORITIES} or a number the job schema takes; a
 * usage error (exit 2) naming the flag and the rule otherwise.
 */
export function parsePriorityFlag(value: string, flag = '--priority'): number {
  const cell = priorityCell(value);
  const checked = priorityRule.safeParse(cell);
  if (typeof cell === 'number' && checked.success) return checked.data;
  const range = `${priorityRule.minValue ?? 1} (the highest) to ${priorityRule.maxValue ?? ''}`;
  const rule = `${flag} takes ${NAMES.join(', ')} or a whole number from ${range}`;
  throw new UsageError(`${rule}; got ${JSON.stringify(value)}`, [
    { path: flag, rule: 'priority', message: rule },
  ]);
}
