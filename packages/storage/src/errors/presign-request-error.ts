import { StorageError } from './storage-error';

export type PresignRequestRule =
  'ttl_not_positive' | 'ttl_too_long' | 'size_invalid' | 'object_too_large';

/**
 * A presign request the provider could not honour: a TTL beyond its cap, or a declared size beyond
 * what one single PUT can carry there. Not worth retrying.
 */
export class PresignRequestError extends StorageError {
  readonly rule: PresignRequestRule;
  readonly field: 'ttlSeconds' | 'size';

  constructor(rule: PresignRequestRule, field: 'ttlSeconds' | 'size', detail: string) {
    super(`cannot presign: ${field} breaks rule ${rule}: ${detail}`);
    this.rule = rule;
    this.field = field;
  }
}
