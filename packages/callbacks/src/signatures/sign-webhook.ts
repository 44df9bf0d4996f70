import { createHmac } from 'node:crypto';
import { SECRETS_FIELD, secretKey } from './webhook-secret';

/** The three Standard Webhooks request headers. */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export interface SignWebhookInput {
  /** The message id: the same for every attempt of one message, so receivers can drop repeats. */
  id: string;
  /** When this attempt is sent, in whole seconds since the epoch. */
  timestamp: number;
  /** The exact bytes of the request body. */
  body: string;
  /** Every active `whsec_` secret; the message carries one signature per secret. */
  secrets: readonly string[];
}

/** The base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under one key. */
export function signatureOf(
  key: Buffer,
  id: string,
  timestamp: number,
  body: string | Buffer,
): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/**
 * Signs one message as the Standard Webhooks spec describes: `webhook-signature` holds a
 * space-separated `v1,<base64>` entry for each secret, so a receiver that knows any one of them
 * (before, during or after a rotation) can verify it.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export function signWebhook(input: SignWebhookInput): WebhookHeaders {
  const { id, timestamp, body, secrets } = input;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(
      `timestamp must be whole seconds since the epoch, got ${String(timestamp)}`,
    );
  }
  if (id.length === 0 || /[\s.]/.test(id)) {
    throw new RangeError('id must be a non-empty string without dots or white space');
  }
  if (secrets.length === 0) throw new RangeError('secrets must hold at least one secret');
  const signatures = secrets.map(
    (secret, i) =>
      `v1,${signatureOf(secretKey(secret, `${SECRETS_FIELD}[${i}]`), id, timestamp, body)}`,
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}
