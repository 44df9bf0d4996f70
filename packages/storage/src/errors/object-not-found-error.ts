import { StorageError } from './storage-error';

/**
 * The object a reference names does not exist, found out while presigning (Dropbox issues read
 * links only for files that exist) or while downloading it. `ref` is the formatted reference,
 * which is safe to log.
 */
export class ObjectNotFoundError extends StorageError {
  readonly ref: string;

  constructor(ref: string) {
    super(`no object at ${ref}`);
    this.ref = ref;
  }
}
