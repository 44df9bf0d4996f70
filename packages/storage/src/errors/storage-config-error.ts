import { StorageError } from './storage-error';

export type StorageConfigRule =
  | 'invalid_config'
  | 's3_not_configured'
  | 'unknown_bucket'
  | 'azure_not_configured'
  | 'unknown_account'
  | 'dropbox_not_configured';

/**
 * The storage configuration cannot serve a request: it is malformed, or has no entry for the
 * bucket or account a reference names. `path` is the config path that was looked up, e.g.
 * `s3.buckets.photos`. Messages never contain a configured secret.
 */
export class StorageConfigError extends StorageError {
  readonly rule: StorageConfigRule;
  readonly path: string;

  constructor(rule: StorageConfigRule, path: string, detail: string) {
    super(`storage config ${path} breaks rule ${rule}: ${detail}`);
    this.rule = rule;
    this.path = path;
  }
}
