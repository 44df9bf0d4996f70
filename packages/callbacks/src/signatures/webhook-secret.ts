import { randomBytes } from 'node:crypto';
import { CallbackInputError } from '../errors/callback-input-error';

/** Standard Webhooks writes a symmetric secret as this prefix and the base64 of the key. */
export const SECRET_PREFIX = 'whsec_';

/** The spec's advice for key length: 24 to 64 bytes (192 to 512 bits). */
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/** The field secret errors name; one secret is `secrets[i]`. */
export const SECRETS_FIELD = 'secrets';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The HMAC key of one `whsec_<base64>` secret. Errors name the secret by its place in the list,
 * never by its text.
 * @throws {CallbackInputError} rule `whsec-prefix`, `base64` or `key-length`
 */
export function secretKey(secret: string, field = `${SECRETS_FIELD}[0]`): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new CallbackInputError(field, 'whsec-prefix', `${field} must start with "whsec_"`);
  }
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new CallbackInputError(
      field,
      'base64',
      `${field} must be "whsec_" followed by standard base64 (A-Z a-z 0-9 + / and = padding)`,
    );
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new CallbackInputError(
      field,
      'key-length',
      `${field} must decode to ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, got ${key.length}`,
    );
  }
  return key;
}

/**
 * The secrets of a configuration value such as `DARKROOM_CALLBACK_SECRETS`: `whsec_` secrets
 * separated by commas or white space. During a rotation it holds the new and the old secret, and
 * every message is signed with both.
 * @throws {CallbackInputError} rule `not-empty` for a list without a secret, or the rule a secret
 *   breaks (see {@link secretKey})
 */
export function parseSecrets(text: string): string[] {
  const secrets = text.split(/[\s,]+/).filter((part) => part.length > 0);
  if (secrets.length === 0) {
    throw new CallbackInputError(
      SECRETS_FIELD,
      'not-empty',
      `${SECRETS_FIELD} must hold at least one "whsec_" secret (several are separated by commas or spaces)`,
    );
  }
  secrets.forEach((secret, i) => secretKey(secret, `${SECRETS_FIELD}[${i}]`));
  return secrets;
}

/** A new random secret in `whsec_` form, for an application's configuration. */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new RangeError(
      `bytes must be a whole number from ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES}, got ${String(bytes)}`,
    );
  }
  return `${SECRET_PREFIX}${randomBytes(bytes).toString('base64')}`;
}
