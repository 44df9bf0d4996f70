import type { CallbackDispatcher, DeliveryState, DeliveryView } from '@darkroom/callbacks';
import type { EditJobStatus } from '@darkroom/jobs';

/**
 * Where an edit's callback stands, as the API and the CLI show it: `awaiting_edit` while the edit
 * has not ended (nothing is queued yet), then the delivery's own state. No secret, and the URL
 * as origin and path only.
 */
export interface CallbackStatus {
  state: DeliveryState | 'awaiting_edit';
  attempts: number;
  /** The callback URL as origin and path. */
  target: string;
  /** `edit.completed`, `edit.failed` or `edit.cancelled`, once queued. */
  type?: string;
  lastStatus?: number;
  lastError?: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
  deadAt?: string;
}

/** An edit's status as the API answers it. */
export type EditStatusWithCallback = Omit<EditJobStatus, 'callback'> & {
  callback?: CallbackStatus;
};

/** The API's form of a delivery. */
export function callbackStatusOf(view: DeliveryView): CallbackStatus {
  return {
    state: view.state,
    attempts: view.attempts,
    target: view.target,
    type: view.type,
    ...(view.lastStatus !== undefined ? { lastStatus: view.lastStatus } : {}),
    ...(view.lastError ? { lastError: view.lastError } : {}),
    ...(view.nextAttemptAt ? { nextAttemptAt: view.nextAttemptAt } : {}),
    ...(view.deliveredAt ? { deliveredAt: view.deliveredAt } : {}),
    ...(view.deadAt ? { deadAt: view.deadAt } : {}),
  };
}

/**
 * The edit's status with its `callback`: the delivery when one was queued (the edit's own URL or
 * its tenant's default), else `awaiting_edit` for an edit that named a URL; nothing otherwise.
 */
export async function withCallback(
  status: EditJobStatus,
  callbacks: Pick<CallbackDispatcher, 'getDelivery'> | undefined,
): Promise<EditStatusWithCallback> {
  const view = callbacks ? await callbacks.getDelivery(status.id) : null;
  if (view) return { ...omitCallback(status), callback: callbackStatusOf(view) };
  const { callback, ...rest } = status;
  if (!callback) return rest;
  return { ...rest, callback: { state: 'awaiting_edit', attempts: 0, ...callback } };
}

/** One line for a person: `delivered after 1 attempt (HTTP 204) to https://app.example.com/hooks`. */
export function callbackLine(callback: CallbackStatus): string {
  const attempts = `${callback.attempts} attempt${callback.attempts === 1 ? '' : 's'}`;
  const status = callback.lastStatus !== undefined ? ` (HTTP ${callback.lastStatus})` : '';
  const next = callback.nextAttemptAt ? `, next ${callback.nextAttemptAt}` : '';
  const error =
    callback.lastError && callback.lastStatus === undefined ? ` (${callback.lastError})` : '';
  const shown = callback.state.replace('_', ' ');
  return `${shown} after ${attempts}${status}${error}${next} to ${callback.target}`;
}

function omitCallback(status: EditJobStatus): Omit<EditJobStatus, 'callback'> {
  const { callback: _shownElsewhere, ...rest } = status;
  return rest;
}
