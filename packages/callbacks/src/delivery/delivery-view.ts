import type { CallbackType } from './envelope';

/**
 * Where a delivery stands: `pending` (waiting for its first attempt, or for one after
 * `redeliver`), `retrying` (an attempt failed; another is planned at `nextAttemptAt`),
 * `delivered` (a 2xx came back), `dead` (attempts or time ran out, or the URL was refused).
 */
export type DeliveryState = 'pending' | 'retrying' | 'delivered' | 'dead';

/** What anyone may see of a delivery: no secret, and the URL as origin and path only. */
export interface DeliveryView {
  deliveryId: string;
  editId: string;
  type: CallbackType;
  state: DeliveryState;
  /** Attempts made since the delivery was created or last redelivered. */
  attempts: number;
  /** The callback URL as origin and path. */
  target: string;
  createdAt: string;
  /** The HTTP status of the last attempt, when one came back. */
  lastStatus?: number;
  /** Why the last attempt failed, redacted. */
  lastError?: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
  deadAt?: string;
}

const iso = (ms: string | undefined): string | undefined =>
  ms === undefined || ms === '' ? undefined : new Date(Number(ms)).toISOString();

/** The view of a delivery's Redis hash; undefined for a missing or incomplete one. */
export function toDeliveryView(hash: Record<string, string>): DeliveryView | undefined {
  const { deliveryId, editId, type, state, target, createdAt } = hash;
  if (!deliveryId || !editId || !type || !state || !target || !createdAt) return undefined;
  const view: DeliveryView = {
    deliveryId,
    editId,
    type: type as CallbackType,
    state: state as DeliveryState,
    attempts: Number(hash.attempts ?? 0),
    target,
    createdAt: iso(createdAt)!,
  };
  if (hash.lastStatus) view.lastStatus = Number(hash.lastStatus);
  if (hash.lastError) view.lastError = hash.lastError;
  const times = ['nextAttemptAt', 'deliveredAt', 'deadAt'] as const;
  for (const field of times) {
    const at = iso(hash[field]);
    if (at !== undefined) view[field] = at;
  }
  return view;
}
