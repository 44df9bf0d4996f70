import type { IncomingMessage, ServerResponse } from 'node:http';
import { coerceError } from '@darkroom/core';
import { EventPayloadError } from '../errors';
import { type EventDelivery, type ImagingJobEvent, parseEventDelivery } from '../job-status-events';
import type { PublicKeyStore } from '../keys/public-key-store';
import { type SignatureFailure, verifyEventSignatures } from '../verify-event-signatures';
import { answerChallenge, challengeOfBody, isAcceptableChallenge } from './challenge';
import { readBoundedBody } from './read-body';

/** Why the receiver did not answer 2xx. */
export type RejectionReason =
  | SignatureFailure
  | 'method_not_allowed'
  | 'missing_challenge'
  | 'body_too_large'
  | 'body_aborted'
  | 'body_already_parsed'
  | 'invalid_json'
  | 'invalid_payload'
  | 'recipient_mismatch'
  | 'handler_failed';

/** What `onRejected` is told: never a body, a signature or a header value. */
export interface Rejection {
  status: number;
  reason: RejectionReason;
  /** For `invalid_payload`: the field and the rule it broke. */
  field?: string;
  rule?: string;
  /** For `handler_failed`: what `onEvents` threw. */
  error?: Error;
}

export interface EventsReceiverOptions {
  /** Where the signing keys come from. */
  keys: PublicKeyStore;
  /**
   * The client id of Darkroom's I/O Events integration. When set, every payload's
   * `recipient_client_id` must equal it (a payload without one is refused too).
   */
  recipientClientId?: string;
  /** @defaultValue 1 MiB */
  maxBodyBytes?: number;
  /**
   * Takes the job-status events of one delivery. The receiver answers 200 only after this
   * resolves; if it throws, the answer is 503 and Adobe delivers again later.
   */
  onEvents(events: ImagingJobEvent[]): Promise<void>;
  /** Told about every delivery answered with something other than 2xx. */
  onRejected?(rejection: Rejection): void;
}

type RequestWithBody = IncomingMessage & { body?: unknown };

/**
 * A Node request handler for Adobe I/O Events webhook deliveries, usable as express middleware
 * (mount it before any body parser, or after `express.raw()`: the signature covers raw bytes).
 */
export function createEventsReceiver(
  options: EventsReceiverOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const reject = (res: ServerResponse, rejection: Rejection): void => {
    const { status, reason, field, rule } = rejection;
    const headers: Record<string, string> = {};
    if (status === 405) headers.allow = 'GET, POST';
    if (status === 413) headers.connection = 'close';
    sendJson(res, status, { error: reason, field, rule }, headers);
    options.onRejected?.(rejection);
  };

  const handlePost = async (req: RequestWithBody, res: ServerResponse): Promise<void> => {
    const raw = await rawBodyOf(req, maxBodyBytes);
    if (typeof raw === 'string') return reject(res, { status: statusOf(raw), reason: raw });
    const json = parseJson(raw);
    const challenge = json === undefined ? undefined : challengeOfBody(json);
    if (challenge !== undefined && isAcceptableChallenge(challenge)) {
      return answerChallenge(res, challenge, 'json');
    }
    const check = await verifyEventSignatures(raw, req.headers, options.keys);
    if (!check.valid) return reject(res, { status: 401, reason: check.reason });
    if (json === undefined) return reject(res, { status: 400, reason: 'invalid_json' });
    let delivery: EventDelivery;
    try {
      delivery = parseEventDelivery(json);
    } catch (err) {
      if (!(err instanceof EventPayloadError)) throw err;
      return reject(res, {
        status: 400,
        reason: 'invalid_payload',
        field: err.field,
        rule: err.rule,
      });
    }
    if (!isForRecipient(delivery, options.recipientClientId)) {
      return reject(res, { status: 403, reason: 'recipient_mismatch' });
    }
    if (delivery.jobEvents.length > 0) {
      try {
        await options.onEvents(delivery.jobEvents);
      } catch (err) {
        return reject(res, { status: 503, reason: 'handler_failed', error: coerceError(err) });
      }
    }
    sendJson(res, 200, {
      received: delivery.jobEvents.length,
      ignored: delivery.otherEvents.length,
    });
  };

  const handle = async (req: RequestWithBody, res: ServerResponse): Promise<void> => {
    if (req.method === 'GET') {
      const challenge = new URL(req.url ?? '/', 'http://receiver').searchParams.get('challenge');
      if (challenge === null || !isAcceptableChallenge(challenge)) {
        return reject(res, { status: 400, reason: 'missing_challenge' });
      }
      return answerChallenge(res, challenge, 'text');
    }
    if (req.method !== 'POST') return reject(res, { status: 405, reason: 'method_not_allowed' });
    return handlePost(req, res);
  };

  return (req, res) => {
    handle(req, res).catch(() => {
      // Unexpected: answer 500 so Adobe delivers again; the error may quote the body, so it is
      // not passed on.
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
      else res.destroy();
    });
  };
}

type BodyProblem = 'body_too_large' | 'body_aborted' | 'body_already_parsed';

async function rawBodyOf(req: RequestWithBody, maxBytes: number): Promise<Buffer | BodyProblem> {
  // express.raw() leaves the bytes in req.body; any other parser has lost them.
  if (Buffer.isBuffer(req.body)) return req.body.length > maxBytes ? 'body_too_large' : req.body;
  if (req.readableEnded) return 'body_already_parsed';
  const read = await readBoundedBody(req, maxBytes);
  if (read.ok) return read.body;
  return read.reason === 'too_large' ? 'body_too_large' : 'body_aborted';
}

function statusOf(problem: BodyProblem): number {
  if (problem === 'body_too_large') return 413;
  return problem === 'body_aborted' ? 400 : 500;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isForRecipient(delivery: EventDelivery, clientId: string | undefined): boolean {
  if (clientId === undefined) return true;
  const all = [...delivery.jobEvents, ...delivery.otherEvents];
  return all.every((event) => event.recipientClientId === clientId);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
