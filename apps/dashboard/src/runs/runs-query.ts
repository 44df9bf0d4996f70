import { isRunId, RUN_ID_PATTERN } from '@darkroom/jobs';
import { type JobType } from 'bullmq';

/**
 * The states the runs list can be narrowed to, each with the lists of the runs queue it reads.
 * They are the runs queue's own states, not the run's: a run sleeping between looks at its steps
 * is `delayed`, one a worker is looking at `active`. A run enqueued with a priority waits in
 * BullMQ's prioritized list, which `waiting` covers.
 */
export const RUN_LIST_STATES = {
  active: ['active'],
  waiting: ['waiting', 'prioritized'],
  delayed: ['delayed'],
  completed: ['completed'],
  failed: ['failed'],
} as const satisfies Record<string, readonly JobType[]>;

export type RunListState = keyof typeof RUN_LIST_STATES;

/** The values of `state`, in the order the page offers them. */
export const runListStates = Object.keys(RUN_LIST_STATES) as RunListState[];

/** The runs the list shows per edit queue: the newest. */
export const RUNS_PER_QUEUE = 50;

/**
 * Entries of each list of the runs queue the list looks at, at most: the queue also holds the
 * scratch clean-ups of failed runs, which are skipped, and a long list is not read whole.
 */
export const RUNS_MAX_SCAN = 1_000;

/** The runs page's query parameters. */
export const RUNS_QUERY_FIELDS = ['id', 'state', 'queue'] as const;

/** What the runs page was asked; the fields are its query parameters. */
export interface RunsQuery {
  /** One run, by id. */
  id?: string;
  /** The list narrowed to one state of the runs queue (ignored with `id`). */
  state?: RunListState;
  /** One edit queue only (its runs queue `<queue>-runs`). */
  queue?: string;
}

// Fails to compile when the list and the query's fields part ways.
type RunsQueryField = (typeof RUNS_QUERY_FIELDS)[number];
const sameFields: [
  Exclude<keyof RunsQuery, RunsQueryField>,
  Exclude<RunsQueryField, keyof RunsQuery>,
] extends [never, never]
  ? true
  : never = true;
void sameFields;

/** A query parameter the runs page cannot answer: names the parameter and the rule it broke. */
export class RunsQueryError extends Error {
  constructor(
    readonly field: keyof RunsQuery,
    readonly rule: 'format' | 'enum',
    message: string,
  ) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** A parameter given once, trimmed; an empty one counts as not given. */
function param(query: Record<string, unknown>, field: keyof RunsQuery): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new RunsQueryError(field, 'format', `${field} must be given once, as text`);
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Reads the runs page's query: `id` shaped as Darkroom gives run ids, `state` one of
 * {@link runListStates}, `queue` one of `queues` (the edit queues whose runs are shown).
 * @throws {RunsQueryError} the first parameter that breaks its rule
 */
export function parseRunsQuery(
  query: Record<string, unknown>,
  queues: readonly string[],
): RunsQuery {
  const id = param(query, 'id');
  if (id !== undefined && !isRunId(id)) {
    throw new RunsQueryError(
      'id',
      'format',
      `id must be a run id, matching ${RUN_ID_PATTERN.source}`,
    );
  }
  const state = param(query, 'state');
  if (state !== undefined && !(runListStates as readonly string[]).includes(state)) {
    throw new RunsQueryError('state', 'enum', `state must be one of: ${runListStates.join(', ')}`);
  }
  const queue = param(query, 'queue');
  if (queue !== undefined && !queues.includes(queue)) {
    throw new RunsQueryError('queue', 'enum', `queue must be one of: ${queues.join(', ')}`);
  }
  return {
    ...(id ? { id } : {}),
    ...(state ? { state: state as RunListState } : {}),
    ...(queue ? { queue } : {}),
  };
}
