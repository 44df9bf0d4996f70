import type { RequestHandler } from 'express';
import { createEventsReceiver, PublicKeyStore } from '@darkroom/events';
import type { RemoteEventIntake } from '@darkroom/jobs';
import type { Logger, PipelineMetrics } from '@darkroom/observability';

/** Where the producer takes Adobe I/O Events webhook deliveries (register this URL in Adobe's console). */
export const ADOBE_EVENTS_PATH = '/v1/adobe-events';

export interface AdobeEventsRouteOptions {
  intake: RemoteEventIntake;
  /** Origin of I/O Events' public signing keys: Adobe's, or the emulator's for a local run. */
  keyOrigin: string;
  /** The I/O Events integration's client id; deliveries for another are refused. */
  recipientClientId?: string;
  metrics?: PipelineMetrics;
  logger: Logger;
}

/**
 * The webhook of Adobe I/O Events: answers the registration challenge, checks both signatures of
 * every delivery against I/O Events' public keys, and hands the job events to the edits they are
 * about before answering 200 (any failure answers 503 so Adobe delivers again). It takes no
 * bearer token: Adobe's signature is the authentication.
 */
export function adobeEventsRoute(options: AdobeEventsRouteOptions): RequestHandler {
  const keys = new PublicKeyStore({ origin: options.keyOrigin });
  const receive = createEventsReceiver({
    keys,
    ...(options.recipientClientId ? { recipientClientId: options.recipientClientId } : {}),
    onEvents: async (events) => {
      const outcomes = await options.intake.record(events);
      for (const outcome of outcomes) options.metrics?.adobeEvent(outcome);
    },
    onRejected: (rejection) => {
      options.metrics?.adobeEventRejected(rejection.reason);
      options.logger.warn(
        { status: rejection.status, reason: rejection.reason },
        'Adobe event delivery refused',
      );
    },
  });
  return (req, res) => receive(req, res);
}
