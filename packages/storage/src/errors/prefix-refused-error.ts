import { StorageError } from './storage-error';

export type PrefixRefusedRule = 'no_trailing_slash' | 'root_folder';

/**
 * `removeUnder` will not remove what a folder's reference names: one without a trailing `/`
 * (`s3://scratch/runs/42` would read as a folder, but a missing `/` is more often a reference to
 * one object given by mistake), or the root of a bucket, a container or the whole Dropbox (a
 * configuration that points scratch space at a root must never empty it). `prefix` is the
 * folder's reference as parsed, safe to log.
 */
export class PrefixRefusedError extends StorageError {
  readonly rule: PrefixRefusedRule;
  readonly prefix: string;

  constructor(rule: PrefixRefusedRule, prefix: string, detail: string) {
    super(`refusing to remove what is under ${prefix}: breaks rule ${rule}: ${detail}`);
    this.rule = rule;
    this.prefix = prefix;
  }
}
