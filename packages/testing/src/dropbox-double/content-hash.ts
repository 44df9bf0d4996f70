import { createHash } from 'node:crypto';

/** Dropbox hashes content in blocks of 4 MiB. */
const BLOCK_BYTES = 4 * 1024 * 1024;

/** Dropbox's content hash: SHA-256 over the SHA-256 of each 4 MiB block. */
export function dropboxContentHash(bytes: Uint8Array): string {
  const outer = createHash('sha256');
  for (let offset = 0; offset < bytes.length; offset += BLOCK_BYTES) {
    outer.update(
      createHash('sha256')
        .update(bytes.subarray(offset, offset + BLOCK_BYTES))
        .digest(),
    );
  }
  return outer.digest('hex');
}
