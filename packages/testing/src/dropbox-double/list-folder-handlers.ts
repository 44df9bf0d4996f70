import type { ServerResponse } from 'node:http';
import { randomLinkId, type DoubleState, type ListCursor } from './double-state';
import type { StoredFile } from './file-store';
import { sendJson, sendRpcError, sendText } from './http-replies';
import { fileMetadata, folderMetadata } from './metadata';
import { pathArgument } from './rpc-arguments';

/** `limit` is a UInt32 from 1 to 2,000 in Dropbox's `ListFolderArg`. */
const MAX_LIMIT = 2000;
/** Dropbox does not document its page size when `limit` is left out; the largest it allows. */
const DEFAULT_LIMIT = MAX_LIMIT;

/**
 * `files/list_folder`: the first page of a folder's entries (`{ entries, cursor, has_more }`),
 * with every subfolder's when `recursive`. The root is `""`: a `"/"` is refused with a 400, as
 * Dropbox refuses it. A missing folder is `path/not_found` and a file `path/not_folder` (409).
 * Entries are taken once, when the listing starts; the double keeps no deleted entries, so
 * `include_deleted` changes nothing.
 */
export function handleListFolder(
  state: DoubleState,
  route: string,
  arg: Record<string, unknown>,
  res: ServerResponse,
): void {
  state.counts.listFolder += 1;
  if (arg.path === '/') {
    sendText(
      res,
      400,
      `Error in call to API function "${route}": request body: path: Specify the root folder as an empty string rather than as "/".`,
    );
    return;
  }
  const path = arg.path === '' ? '' : pathArgument(res, arg.path, route);
  if (path === undefined) return;
  const limit = arg.limit ?? DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    sendText(
      res,
      400,
      `Error in call to API function "${route}": request body: limit: must be 1 to ${MAX_LIMIT}.`,
    );
    return;
  }
  if (path !== '' && state.files.has(path)) {
    sendRpcError(res, 409, ['path', 'not_folder']);
    return;
  }
  const files = state.files.under(path);
  if (path !== '' && files.length === 0) {
    sendRpcError(res, 409, ['path', 'not_found']);
    return;
  }
  const entries = listing(path, files, arg.recursive === true);
  sendPage(state, res, { entries, sent: 0, limit });
}

/**
 * `files/list_folder/continue`: the next page after `cursor`. A cursor that has nothing left
 * answers an empty page with `has_more: false` (Dropbox would report changes made since; the
 * double has none to report). A cursor the double never issued is a 400.
 */
export function handleListFolderContinue(
  state: DoubleState,
  route: string,
  arg: Record<string, unknown>,
  res: ServerResponse,
): void {
  state.counts.listFolderContinue += 1;
  const cursor = typeof arg.cursor === 'string' ? state.listCursors.get(arg.cursor) : undefined;
  if (!cursor) {
    sendText(res, 400, `Error in call to API function "${route}": invalid "cursor".`);
    return;
  }
  sendPage(state, res, cursor);
}

/**
 * One page from `from.sent` on, and a fresh cursor for what follows. Cursors are never spent, as
 * Dropbox's are not: an old one continues from where it stood.
 */
function sendPage(state: DoubleState, res: ServerResponse, from: ListCursor): void {
  const page = from.entries.slice(from.sent, from.sent + from.limit);
  const next: ListCursor = { ...from, sent: from.sent + page.length };
  const cursor = randomLinkId();
  state.listCursors.set(cursor, next);
  sendJson(res, 200, { entries: page, cursor, has_more: next.sent < next.entries.length });
}

/**
 * The metadata of the folder's entries in path order: its files and the folders that hold them,
 * at every depth when `recursive`, else only the direct children.
 */
function listing(
  folder: string,
  files: StoredFile[],
  recursive: boolean,
): Record<string, unknown>[] {
  const depth = folder === '' ? 1 : folder.split('/').length;
  const entries = new Map<string, Record<string, unknown>>();
  for (const file of files) {
    const segments = file.pathDisplay.split('/');
    // Folders between the listed one and the file: `/a/b/c.png` under `/a` holds `/a/b`.
    const last = recursive ? segments.length - 1 : Math.min(segments.length - 1, depth + 1);
    for (let end = depth + 1; end <= last; end += 1) {
      const display = segments.slice(0, end).join('/');
      entries.set(display.toLowerCase(), folderMetadata(display));
    }
    if (recursive || segments.length === depth + 1) {
      entries.set(file.pathDisplay.toLowerCase(), fileMetadata(file));
    }
  }
  return [...entries.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, entry]) => entry);
}
