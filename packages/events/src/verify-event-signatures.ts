import { verify } from 'node:crypto';
import { SIGNATURE_HEADERS } from './adobe-io-events';
import { KeyPathError } from './errors';
import type { PublicKeyStore } from './keys/public-key-store';

/** Why a delivery's signatures were not accepted, worst-informative last. */
export type SignatureFailure =
  'missing_signature' | 'bad_key_path' | 'key_unavailable' | 'signature_mismatch';

export type SignatureCheck =
  { valid: true; keyPath: string } | { valid: false; reason: SignatureFailure };

/** Request headers as Node gives them, or any plain record of them. */
export type DeliveryHeaders = Record<string, string | string[] | undefined>;

// When no pair verifies, the reason reported is the one that got furthest.
const RANK: Record<SignatureFailure, number> = {
  missing_signature: 0,
  bad_key_path: 1,
  key_unavailable: 2,
  signature_mismatch: 3,
};

/**
 * Checks Adobe's two signatures of `rawBody` (the bytes as received, before any JSON parsing):
 * valid when either `x-adobe-digital-signature-N` is an RSA-SHA256 signature by the key at
 * `x-adobe-public-key{N}-path`. Key 1 is tried first; key 2 is only fetched when key 1 does not
 * verify. Never throws for anything a sender controls.
 */
export async function verifyEventSignatures(
  rawBody: Buffer,
  headers: DeliveryHeaders,
  keys: PublicKeyStore,
): Promise<SignatureCheck> {
  let failure: SignatureFailure = 'missing_signature';
  for (const names of SIGNATURE_HEADERS) {
    const signature = single(headers[names.signature]);
    const keyPath = single(headers[names.keyPath]);
    if (signature === undefined || keyPath === undefined) continue;
    const outcome = await checkOne(rawBody, signature, keyPath, keys);
    if (outcome === 'valid') return { valid: true, keyPath };
    if (RANK[outcome] > RANK[failure]) failure = outcome;
  }
  return { valid: false, reason: failure };
}

async function checkOne(
  rawBody: Buffer,
  signature: string,
  keyPath: string,
  keys: PublicKeyStore,
): Promise<'valid' | SignatureFailure> {
  let key;
  try {
    key = await keys.get(keyPath);
  } catch (err) {
    return err instanceof KeyPathError ? 'bad_key_path' : 'key_unavailable';
  }
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length === 0) return 'signature_mismatch';
  try {
    return verify('sha256', rawBody, key, bytes) ? 'valid' : 'signature_mismatch';
  } catch {
    return 'signature_mismatch';
  }
}

function single(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}
