import type { CallbackType } from './envelope';

/** One attempt's outcome, as observers see it: no secret, the URL as origin and path. */
export interface DeliveryEvent {
  deliveryId: string;
  editId: string;
  type: CallbackType;
  target: string;
  /** Attempts made so far, this one included. */
  attempts: number;
  /** How long this attempt took, URL check included. */
  durationMs: number;
  status?: number;
  /** Why the attempt failed, redacted. */
  error?: string;
}

/**
 * Hooks for metrics and logs. Each is called after the state is written; what a hook throws is
 * ignored, so a broken observer never changes a delivery.
 */
export interface CallbackObserver {
  delivered?(event: DeliveryEvent): void;
  retrying?(event: DeliveryEvent & { nextAttemptAt: string }): void;
  dead?(event: DeliveryEvent): void;
  /** The worker's own trouble (Redis errors), redacted. */
  error?(error: Error): void;
}

/** Calls one hook, keeping whatever it throws away from the delivery. */
export function notify<K extends keyof CallbackObserver>(
  observer: CallbackObserver | undefined,
  hook: K,
  ...args: Parameters<NonNullable<CallbackObserver[K]>>
): void {
  const fn = observer?.[hook] as ((...a: typeof args) => void) | undefined;
  try {
    fn?.apply(observer, args);
  } catch {
    // An observer is for watching; its failure is not the delivery's.
  }
}
