import type { StorageKind } from './presigner';

/** How to send the bytes of one upload to a presigned write URL. */
export interface UploadRequestInit {
  method: 'PUT' | 'POST';
  headers: Record<string, string>;
}

/**
 * What an uploader (the Photoshop API, or Darkroom's emulator of it) sends to a write URL of each
 * kind: a plain PUT for S3; a PUT with `x-ms-blob-type: BlockBlob` for Azure, whose Put Blob
 * requires it; for Dropbox the documented POST with `application/octet-stream`.
 */
export function uploadRequestInit(storage: StorageKind, contentType?: string): UploadRequestInit {
  switch (storage) {
    case 'external':
      return { method: 'PUT', headers: contentType ? { 'Content-Type': contentType } : {} };
    case 'azure':
      return {
        method: 'PUT',
        headers: {
          'x-ms-blob-type': 'BlockBlob',
          ...(contentType ? { 'Content-Type': contentType } : {}),
        },
      };
    case 'dropbox':
      return { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' } };
  }
}
