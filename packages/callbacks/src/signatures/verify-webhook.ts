import { timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from '../errors/webhook-verification-error';
import { signatureOf } from './sign-webhook';
import { SECRETS_FIELD, secretKey } from './webhook-secret';

/** Request headers as node's `IncomingMessage.headers` or a `Headers` object holds them. */
export type ReceivedHeaders =
  Record<string, string | string[] | undefined> | { get(name: string): string | null };

export interface VerifyWebhookInput {
  headers: ReceivedHeaders;
  /** The raw request body exactly as received, before any JSON parsing. */
  body: string | Buffer;
  /** The secrets the receiver accepts (during a rotation: the old and the new one). */
  secrets: readonly string[];
  /** How far `webhook-timestamp` may be from now, either way. @defaultValue 300 */
  toleranceSeconds?: number;
  /** The receiver's clock, in milliseconds since the epoch. @defaultValue Date.now() */
  now?: number;
}

/** What a verified message was sent as. */
export interface VerifiedWebhook {
  id: string;
  timestamp: number;
}

function header(headers: ReceivedHeaders, name: string): string {
  const value =
    typeof headers.get === 'function'
      ? (headers as { get(name: string): string | null }).get(name)
      : (headers as Record<string, string | string[] | undefined>)[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || text.length === 0) {
    throw new WebhookVerificationError('missing-header', `the ${name} header is missing`);
  }
  return text;
}

function checkTimestamp(text: string, toleranceSeconds: number, nowMs: number): number {
  if (!/^\d{1,12}$/.test(text)) {
    throw new WebhookVerificationError(
      'invalid-timestamp',
      'webhook-timestamp must be whole seconds since the epoch',
    );
  }
  const timestamp = Number(text);
  const now = Math.floor(nowMs / 1000);
  if (timestamp < now - toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp-too-old',
      `webhook-timestamp is more than ${toleranceSeconds} s in the past`,
    );
  }
  if (timestamp > now + toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp-too-new',
      `webhook-timestamp is more than ${toleranceSeconds} s in the future`,
    );
  }
  return timestamp;
}

/** Equal text, compared in time that does not depend on where it differs. */
function sameSignature(received: string, expected: string): boolean {
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks a received Standard Webhooks message: all three headers present, a timestamp within
 * `toleranceSeconds` of now (a replayed old message is refused), and at least one `v1` signature
 * that matches one of `secrets`, compared in constant time. Returns the message id, which a
 * receiver stores to drop repeats (a retry carries the same id).
 * @throws {WebhookVerificationError} naming the failed check
 */
export function verifyWebhook(input: VerifyWebhookInput): VerifiedWebhook {
  const { headers, secrets, toleranceSeconds = 300, now = Date.now() } = input;
  const id = header(headers, 'webhook-id');
  const timestamp = checkTimestamp(header(headers, 'webhook-timestamp'), toleranceSeconds, now);
  const received = header(headers, 'webhook-signature')
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  const { body } = input;
  const matches = secrets.some((secret, i) => {
    const expected = signatureOf(secretKey(secret, `${SECRETS_FIELD}[${i}]`), id, timestamp, body);
    return received.some((signature) => sameSignature(signature, expected));
  });
  if (!matches) {
    throw new WebhookVerificationError(
      'no-matching-signature',
      'no v1 signature in webhook-signature matches an accepted secret',
    );
  }
  return { id, timestamp };
}
