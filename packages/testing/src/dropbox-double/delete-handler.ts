import type { ServerResponse } from 'node:http';
import type { DoubleState } from './double-state';
import { sendJson, sendRpcError, sendText } from './http-replies';
import { fileMetadata, folderMetadata } from './metadata';

/**
 * `files/delete_v2`: deletes the file at `path`, or the folder there with everything in it, and
 * answers `{ metadata }` of what was deleted. A missing path is `path_lookup/not_found` (409), as
 * Dropbox's `DeleteError` puts it. `parent_rev` is not served: a call that sends it gets a 400
 * rather than a delete that ignored it.
 */
export function handleDelete(
  state: DoubleState,
  route: string,
  arg: Record<string, unknown>,
  res: ServerResponse,
): void {
  state.counts.delete += 1;
  const path = arg.path;
  if (typeof path !== 'string') {
    sendText(res, 400, `Error in call to API function "${route}": missing "path".`);
    return;
  }
  if (arg.parent_rev !== undefined) {
    sendText(
      res,
      400,
      `Error in call to API function "${route}": this double does not serve "parent_rev".`,
    );
    return;
  }
  if (!path.startsWith('/') || path.endsWith('/')) {
    sendRpcError(res, 409, ['path_lookup', 'malformed_path']);
    return;
  }
  const file = state.files.get(path);
  if (file) {
    state.files.delete(path);
    sendJson(res, 200, { metadata: fileMetadata(file) });
    return;
  }
  const inside = state.files.under(path);
  if (inside.length === 0) {
    sendRpcError(res, 409, ['path_lookup', 'not_found']);
    return;
  }
  // Deleting a folder deletes what is in it, at any depth.
  for (const each of inside) state.files.delete(each.pathDisplay);
  sendJson(res, 200, { metadata: folderMetadata(path) });
}
