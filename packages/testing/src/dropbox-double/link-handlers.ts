import type { ServerResponse } from 'node:http';
import { FOUR_HOURS, randomLinkId, type DoubleState, type UploadLink } from './double-state';
import { sendJson, sendRpcError, sendText } from './http-replies';
import { fileMetadata } from './metadata';
import { pathArgument } from './rpc-arguments';

/** `get_temporary_upload_link` accepts durations from one minute to four hours. */
const MIN_UPLOAD_DURATION = 60;

/** `files/get_temporary_link`: a read link on the content host, with the file's metadata. */
export function handleGetTemporaryLink(
  state: DoubleState,
  route: string,
  arg: Record<string, unknown>,
  res: ServerResponse,
): void {
  state.counts.getTemporaryLink += 1;
  const path = pathArgument(res, arg.path, route);
  if (path === undefined) return;
  const file = state.files.get(path);
  if (!file) {
    sendRpcError(res, 409, ['path', state.files.isFolder(path) ? 'not_file' : 'not_found']);
    return;
  }
  const id = randomLinkId();
  state.readLinks.set(id, {
    key: path.toLowerCase(),
    expiresAt: state.clock.now() + state.readLinkTtlSeconds * 1000,
  });
  sendJson(res, 200, {
    metadata: fileMetadata(file),
    link: `${state.contentBaseUrl}/apitl/1/${id}`,
  });
}

/**
 * `files/get_temporary_upload_link`: a one-time upload link for the path and write mode in
 * `commit_info`, valid for `duration` seconds.
 */
export function handleGetTemporaryUploadLink(
  state: DoubleState,
  route: string,
  arg: Record<string, unknown>,
  res: ServerResponse,
): void {
  state.counts.getTemporaryUploadLink += 1;
  const commit = arg.commit_info;
  if (typeof commit !== 'object' || commit === null) {
    sendText(res, 400, `Error in call to API function "${route}": missing "commit_info".`);
    return;
  }
  const info = commit as Record<string, unknown>;
  const path = pathArgument(res, info.path, route);
  if (path === undefined) return;
  const mode = writeModeOf(info.mode);
  if (mode === undefined) {
    sendText(
      res,
      400,
      `Error in call to API function "${route}": this double serves modes add and overwrite.`,
    );
    return;
  }
  const duration = arg.duration ?? FOUR_HOURS;
  if (typeof duration !== 'number' || duration < MIN_UPLOAD_DURATION || duration > FOUR_HOURS) {
    sendText(
      res,
      400,
      `Error in call to API function "${route}": "duration" must be 60 to 14400 seconds.`,
    );
    return;
  }
  const id = randomLinkId();
  state.uploadLinks.set(id, {
    pathDisplay: path,
    mode,
    autorename: info.autorename === true,
    expiresAt: state.clock.now() + duration * 1000,
    consumed: false,
  });
  sendJson(res, 200, { link: `${state.contentBaseUrl}/apitul/1/${id}` });
}

/**
 * The write mode of a commit, given as a bare tag or as `{ ".tag": … }`; `add` when left out.
 * Undefined for the modes the double does not serve (such as `update`).
 */
function writeModeOf(value: unknown): UploadLink['mode'] | undefined {
  const given = value ?? 'add';
  const mode = typeof given === 'string' ? given : (given as { '.tag'?: unknown })['.tag'];
  return mode === 'add' || mode === 'overwrite' ? mode : undefined;
}
