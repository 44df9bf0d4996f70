import type { StoragePort } from '@darkroom/jobs';
import type { StorageRegistry } from '@darkroom/storage';

/**
 * The part of the storage registry the step machine may use: presign, stat and write Darkroom's
 * own outputs. Handing over only these keeps job code from closing or reconfiguring storage that
 * the whole worker shares.
 */
export function storagePort(registry: StorageRegistry): StoragePort {
  return {
    presignRead: (ref, ttl) => registry.presignRead(ref, ttl),
    presignWrite: (ref, ttl, opts) => registry.presignWrite(ref, ttl, opts),
    stat: (ref) => registry.stat(ref),
    upload: (ref, body, contentType) => registry.upload(ref, body, contentType),
  };
}
