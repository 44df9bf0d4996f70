import { StorageError } from './storage-error';

/** Stable machine codes for a reference that breaks a rule. */
export type StorageRefRule =
  | 'not_a_string'
  | 'unknown_scheme'
  | 'malformed_ref'
  | 'empty_key'
  | 'key_too_long'
  | 'dot_segment'
  | 'empty_segment'
  | 'trailing_slash'
  | 'control_character'
  | 'invalid_bucket_name'
  | 'invalid_account_name'
  | 'invalid_container_name'
  | 'blob_name_too_long'
  | 'too_many_segments'
  | 'relative_path';

/** Which part of a reference broke the rule. */
export type StorageRefField =
  'ref' | 'scheme' | 'bucket' | 'key' | 'account' | 'container' | 'blob' | 'path';

/**
 * A storage reference that cannot be parsed or formatted. `rule` is stable and safe to branch on;
 * the message names the rule, the field and what was expected.
 */
export class StorageRefError extends StorageError {
  readonly rule: StorageRefRule;
  readonly field: StorageRefField;

  constructor(rule: StorageRefRule, field: StorageRefField, detail: string) {
    super(`invalid storage reference: ${field} breaks rule ${rule}: ${detail}`);
    this.rule = rule;
    this.field = field;
  }
}
