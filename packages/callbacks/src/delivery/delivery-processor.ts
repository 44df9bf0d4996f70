import {
  SPAN_ATTRIBUTES,
  SPAN_NAMES,
  SpanKind,
  spanAttributes,
  withRemoteParent,
  withSpan,
  type TraceCarrier,
} from '@darkroom/tracing';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { urlOriginAndPath } from '@darkroom/core';
import { CallbackUrlError } from '../errors/callback-url-error';
import { signWebhook } from '../signatures/sign-webhook';
import { checkCallbackUrl, type CallbackUrlOptions } from '../target/check-callback-url';
import { notify, type CallbackObserver, type DeliveryEvent } from './callback-observer';
import type { DeliveryStore } from './delivery-store';
import type { CallbackType } from './envelope';
import { postCallback, type AttemptOutcome } from './post-callback';
import { nextAttemptAt, type RetryPolicy } from './retry-policy';

/**
 * A delivery job's data. The URL is the application's own callback address, kept whole so it can
 * be called; the body is URL-free and serialized once. No secret: signing happens per attempt.
 */
export interface DeliveryJobData {
  deliveryId: string;
  editId: string;
  type: CallbackType;
  url: string;
  body: string;
  /** The edit's trace: each attempt is a `callback.deliver` span in it. */
  trace?: TraceCarrier;
}

/** What one delivery attempt needs. */
export interface DeliveryDeps {
  store: DeliveryStore;
  secrets: readonly string[];
  policy: RetryPolicy;
  timeoutMs: number;
  urlOptions: CallbackUrlOptions;
  userAgent: string;
  observer: CallbackObserver | undefined;
}

/** The value `user-agent` carries unless configured otherwise. */
export const DEFAULT_USER_AGENT = 'Darkroom-Callbacks/1';

interface Attempt extends AttemptOutcome {
  target: string;
  /** A refusal that another attempt cannot change (the URL reaches a private address). */
  permanent?: boolean;
}

/** Checks the URL again (DNS may have changed since intake), signs, and POSTs. */
async function attempt(data: DeliveryJobData, deps: DeliveryDeps): Promise<Attempt> {
  let checked;
  try {
    checked = await checkCallbackUrl(data.url, deps.urlOptions);
  } catch (err) {
    if (!(err instanceof CallbackUrlError)) throw err;
    const target = urlOriginAndPath(data.url, '(unparseable URL)');
    return { ok: false, error: err.message, target, permanent: err.rule !== 'dns' };
  }
  const signed = signWebhook({
    id: data.deliveryId,
    timestamp: Math.floor(Date.now() / 1000),
    body: data.body,
    secrets: deps.secrets,
  });
  const headers = { 'content-type': 'application/json', 'user-agent': deps.userAgent, ...signed };
  const outcome = await postCallback(checked, {
    headers,
    body: data.body,
    timeoutMs: deps.timeoutMs,
  });
  return { ...outcome, target: checked.target };
}

/** One attempt as a client span of the edit's trace: which attempt, where to, what came back. */
function tracedAttempt(data: DeliveryJobData, deps: DeliveryDeps, n: number): Promise<Attempt> {
  const A = SPAN_ATTRIBUTES;
  return withRemoteParent(data.trace, () =>
    withSpan(
      SPAN_NAMES.callbackDeliver,
      { [A.callbackType]: data.type, [A.callbackAttempt]: n },
      async (span) => {
        const outcome = await attempt(data, deps);
        if (span.isRecording()) {
          span.setAttributes(
            spanAttributes({
              [A.urlFull]: outcome.target,
              ...(outcome.status !== undefined ? { [A.httpStatusCode]: outcome.status } : {}),
              [A.callbackState]: outcome.ok ? 'delivered' : 'failed',
            }),
          );
        }
        return outcome;
      },
      { kind: SpanKind.CLIENT },
    ),
  );
}

/**
 * The BullMQ processor of the callbacks queue. One run is one attempt; a failed attempt that may
 * be retried moves the job to the delayed set itself (BullMQ's `attempts` play no part), so the
 * planned time is the one stored in the delivery's state; the last one fails the job with
 * `UnrecoverableError` and leaves the delivery dead.
 */
export function deliveryProcessor(deps: DeliveryDeps) {
  return async (job: Job<DeliveryJobData>, token?: string): Promise<void> => {
    const { deliveryId, editId, type } = job.data;
    const begun = await deps.store.beginAttempt(deliveryId);
    if (!begun) return; // delivered or dead already (a stalled job run again), or expired
    const started = Date.now();
    const outcome = await tracedAttempt(job.data, deps, begun.attempts);
    const now = Date.now();
    const event: DeliveryEvent = {
      deliveryId,
      editId,
      type,
      target: outcome.target,
      attempts: begun.attempts,
      durationMs: now - started,
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    };
    const report = { now, status: outcome.status, error: outcome.error };
    if (outcome.ok) {
      await deps.store.update(deliveryId, editId, { ...report, state: 'delivered' });
      notify(deps.observer, 'delivered', event);
      return;
    }
    const next = outcome.permanent
      ? undefined
      : nextAttemptAt(begun.attempts, begun.since, now, deps.policy);
    if (next === undefined) {
      await deps.store.update(deliveryId, editId, { ...report, state: 'dead' });
      notify(deps.observer, 'dead', event);
      throw new UnrecoverableError(
        `callback dead after ${begun.attempts} attempts: ${outcome.error ?? 'failed'}`,
      );
    }
    await deps.store.update(deliveryId, editId, {
      ...report,
      state: 'retrying',
      nextAttemptAt: next,
    });
    notify(deps.observer, 'retrying', { ...event, nextAttemptAt: new Date(next).toISOString() });
    await job.moveToDelayed(next, token);
    throw new DelayedError();
  };
}
