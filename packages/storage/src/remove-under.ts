import { PrefixRefusedError } from './errors/prefix-refused-error';
import type { ListOptions, RemoveResult } from './presigner';
import { formatPrefix, isRootPrefix, parsePrefix } from './storage-prefix';

/** What `removeUnder` needs of a registry: `StorageRegistry` has both. */
export interface RemovableStorage {
  list(prefix: string, options?: ListOptions): AsyncIterable<string>;
  remove(ref: string): Promise<RemoveResult>;
}

export interface RemoveUnderOptions extends ListOptions {
  /**
   * How many removals run at once. Each is one or two requests (S3 and Dropbox look before they
   * delete); a few at a time keep a run's cleanup short without crowding the provider, whose
   * write limits (Dropbox's `too_many_write_operations`) are per account.
   * @defaultValue 8
   */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;

/**
 * Removes every object below a folder (at any depth) and returns how many there were: what a
 * finished run does with its scratch folder, `s3://scratch/runs/42/`. Objects are listed page by
 * page and removed `concurrency` at a time as they come, so a large folder is never held in
 * memory. An object removed by someone else meanwhile is not counted.
 *
 * The folder must be written with its trailing `/`, and must not be the root of a bucket, a
 * container or the Dropbox: a scratch prefix configured as `s3://photos/` must fail, not empty
 * the bucket. Both are refused before any request. On the first failure no further removals
 * start; those under way finish, and the failure is thrown. Removing is idempotent, so the
 * caller may simply try again (`isTransientStorageError` says when that is worth it).
 *
 * @throws {StorageRefError} when `prefix` is no folder's reference
 * @throws {PrefixRefusedError} `no_trailing_slash` or `root_folder`
 * @throws {StorageBackendError} when listing or a removal fails
 */
export async function removeUnder(
  storage: RemovableStorage,
  prefix: string,
  options: RemoveUnderOptions = {},
): Promise<number> {
  const folder = removableFolder(prefix);
  const { concurrency = DEFAULT_CONCURRENCY, ...listOptions } = options;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive whole number, got ${String(concurrency)}`);
  }
  const refs = storage.list(folder, listOptions)[Symbol.asyncIterator]();
  let removed = 0;
  let failure: { error: unknown } | undefined;
  // Each worker takes the next reference from the one listing; an async generator queues
  // concurrent `next()` calls, so each reference goes to exactly one worker.
  const worker = async (): Promise<void> => {
    while (failure === undefined) {
      try {
        const next = await refs.next();
        if (next.done === true) return;
        if ((await storage.remove(next.value)).existed) removed += 1;
      } catch (err) {
        failure ??= { error: err };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined) {
    await refs.return?.();
    throw failure.error;
  }
  return removed;
}

/**
 * The folder's reference, checked for removal: parsed as `StorageRegistry.list` parses it, then
 * refused without its trailing `/` or at a root.
 */
function removableFolder(prefix: string): string {
  const parsed = parsePrefix(prefix);
  const folder = formatPrefix(parsed);
  if (!prefix.endsWith('/')) {
    throw new PrefixRefusedError(
      'no_trailing_slash',
      folder,
      `the folder must be written with its trailing "/" (${folder}), so that a reference to one object is never read as a folder`,
    );
  }
  if (isRootPrefix(parsed)) {
    throw new PrefixRefusedError(
      'root_folder',
      folder,
      'it is the root of a bucket, a container or the Dropbox, and removing under it would delete everything there',
    );
  }
  return folder;
}
