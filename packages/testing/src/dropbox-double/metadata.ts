import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { dropboxContentHash } from './content-hash';
import type { DoubleState } from './double-state';
import type { StoredFile } from './file-store';
import { sendJson, sendRpcError } from './http-replies';
import { pathArgument } from './rpc-arguments';

/** `files/get_metadata`: a file's or a folder's metadata, or `path/not_found`. */
export function handleGetMetadata(
  state: DoubleState,
  route: string,
  arg: Record<string, unknown>,
  res: ServerResponse,
): void {
  state.counts.getMetadata += 1;
  const path = pathArgument(res, arg.path, route);
  if (path === undefined) return;
  const file = state.files.get(path);
  if (file) {
    sendJson(res, 200, fileMetadata(file));
  } else if (state.files.isFolder(path)) {
    sendJson(res, 200, folderMetadata(path));
  } else {
    sendRpcError(res, 409, ['path', 'not_found']);
  }
}

/** A file's metadata in Dropbox's shape, content hash included. */
export function fileMetadata(file: StoredFile): Record<string, unknown> {
  return {
    '.tag': 'file',
    name: file.pathDisplay.slice(file.pathDisplay.lastIndexOf('/') + 1),
    id: file.id,
    client_modified: isoSeconds(file.modified),
    server_modified: isoSeconds(file.modified),
    rev: file.rev,
    size: file.bytes.length,
    path_lower: file.pathDisplay.toLowerCase(),
    path_display: file.pathDisplay,
    is_downloadable: true,
    content_hash: dropboxContentHash(file.bytes),
  };
}

/** A folder's metadata. Folders exist only through their files, so the id comes from the path. */
export function folderMetadata(path: string): Record<string, unknown> {
  return {
    '.tag': 'folder',
    name: path.slice(path.lastIndexOf('/') + 1),
    id: `id:${createHash('sha256').update(path.toLowerCase()).digest('base64url').slice(0, 16)}`,
    path_lower: path.toLowerCase(),
    path_display: path,
  };
}

/** Dropbox timestamps: ISO 8601 in UTC without fractions. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
