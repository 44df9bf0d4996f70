import { parsePriorityFlag } from './priorities';

/**
 * The flags of every command that accepts work (`enqueue`, `run`): who pays, how urgent it is,
 * until when it may run, the key that makes a replay safe, and where its end is POSTed.
 */
export const INTAKE_FLAGS = {
  account: { type: 'string' },
  tenant: { type: 'string' },
  priority: { type: 'string' },
  'idempotency-key': { type: 'string' },
  deadline: { type: 'string' },
  callback: { type: 'string' },
} as const;

/** What the intake flags set, as an edit's or a run's fields (the idempotency key aside). */
export function intakeFields(values: {
  account?: string;
  tenant?: string;
  priority?: string;
  deadline?: string;
  callback?: string;
}): {
  account?: string;
  tenant?: string;
  priority?: number;
  deadline?: string;
  callback?: { url: string };
} {
  return {
    ...(values.account !== undefined ? { account: values.account } : {}),
    ...(values.tenant !== undefined ? { tenant: values.tenant } : {}),
    ...(values.priority !== undefined ? { priority: parsePriorityFlag(values.priority) } : {}),
    ...(values.deadline !== undefined ? { deadline: values.deadline } : {}),
    ...(values.callback !== undefined ? { callback: { url: values.callback } } : {}),
  };
}
