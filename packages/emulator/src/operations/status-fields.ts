import { type JobResult } from './work-context';

/**
 * A result whose status document carries fields of the operation's own: the masking endpoints
 * list their masks at the top level of `/v1/status`.
 */
export interface StatusFieldsResult extends JobResult {
  statusFields: Record<string, unknown>;
}

/** The fields a finished job adds to its status document, if its operation has any. */
export function statusFieldsOf(result: JobResult | undefined): Record<string, unknown> | undefined {
  if (result === undefined || !('statusFields' in result)) return undefined;
  const fields = (result as StatusFieldsResult).statusFields;
  return typeof fields === 'object' && fields !== null ? fields : undefined;
}
