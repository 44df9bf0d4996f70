import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleDelete } from './delete-handler';
import type { DoubleState } from './double-state';
import { sendJson, sendText } from './http-replies';
import { handleGetTemporaryLink, handleGetTemporaryUploadLink } from './link-handlers';
import { handleListFolder, handleListFolderContinue } from './list-folder-handlers';
import { handleGetMetadata } from './metadata';
import { rpcArgument } from './rpc-arguments';

/** An RPC endpoint, called once the bearer token and the JSON argument have been checked. */
type RpcHandler = (
  state: DoubleState,
  route: string,
  arg: Record<string, unknown>,
  res: ServerResponse,
) => void;

/** The RPC routes the double serves, by their path below `/2/`. */
const RPC_ROUTES = new Map<string, RpcHandler>([
  ['files/get_temporary_link', handleGetTemporaryLink],
  ['files/get_temporary_upload_link', handleGetTemporaryUploadLink],
  ['files/get_metadata', handleGetMetadata],
  ['files/delete_v2', handleDelete],
  ['files/list_folder', handleListFolder],
  ['files/list_folder/continue', handleListFolderContinue],
]);

/**
 * `POST /2/<route>`: checks the call, then answers with a fault the test asked for, the route's
 * handler, or 404 for a route the double does not serve. A fault is spent on any authorised call,
 * whatever its route, as a real outage would hit it.
 */
export async function handleRpc(
  state: DoubleState,
  route: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const arg = await rpcArgument(state, route, req, res);
  if (!arg) return;
  if (state.faults.remaining > 0) {
    state.faults.remaining -= 1;
    sendFault(state, res);
    return;
  }
  const handler = RPC_ROUTES.get(route);
  if (handler) handler(state, route, arg, res);
  else sendText(res, 404, `Unknown API function: "${route}"`);
}

/**
 * A fault in Dropbox's shape: 429 `too_many_requests` with `Retry-After`, or a plain 5xx; or a
 * connection dropped without a reply, or held open without one.
 */
function sendFault(state: DoubleState, res: ServerResponse): void {
  const { fault, retryAfterSeconds } = state.faults;
  // `stall`: no reply; the caller's timeout gives up, or closing the double drops the connection.
  if (fault === 'stall') return;
  if (fault === 'reset') {
    res.socket?.destroy();
  } else if (fault === 429) {
    res.setHeader('Retry-After', String(retryAfterSeconds));
    sendJson(res, 429, {
      error_summary: 'too_many_requests/..',
      error: { reason: { '.tag': 'too_many_requests' }, retry_after: retryAfterSeconds },
    });
  } else {
    sendText(res, fault, 'The double was told to fail this call.');
  }
}
