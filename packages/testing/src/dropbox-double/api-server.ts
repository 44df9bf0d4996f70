import { createServer, type Server } from 'node:http';
import type { DoubleState } from './double-state';
import { readBody, sendText, serveSafely } from './http-replies';
import { handleRpc } from './rpc-routes';
import { handleToken } from './token-handler';

/** The RPC host, standing in for `api.dropboxapi.com`: the OAuth token endpoint and `/2/files/…`. */
export function createApiServer(state: DoubleState): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    serveSafely(res, async () => {
      if (req.method === 'POST' && url.pathname === '/oauth2/token') {
        return handleToken(state, req, res);
      }
      // One or two names below `files/`: `files/get_metadata`, `files/list_folder/continue`.
      const rpc = /^\/2\/(files\/[a-z_0-9]+(?:\/[a-z_0-9]+)?)$/.exec(url.pathname);
      if (req.method === 'POST' && rpc?.[1]) return handleRpc(state, rpc[1], req, res);
      await readBody(req);
      sendText(res, 404, 'Not found');
    });
  });
}
