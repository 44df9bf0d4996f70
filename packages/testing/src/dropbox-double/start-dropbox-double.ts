import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiServer } from './api-server';
import { createContentServer } from './content-server';
import { createDoubleState } from './double-state';
import type { DropboxDouble, DropboxDoubleOptions } from './types';

/** Starts the double: two HTTP servers on free loopback ports. */
export async function startDropboxDouble(
  options: DropboxDoubleOptions = {},
): Promise<DropboxDouble> {
  const state = createDoubleState(options);
  const api = createApiServer(state);
  const content = createContentServer(state);
  const apiBaseUrl = await listen(api);
  try {
    state.contentBaseUrl = await listen(content);
  } catch (err) {
    await new Promise<void>((resolve) => api.close(() => resolve()));
    throw err;
  }
  const tokenUrl = `${apiBaseUrl}/oauth2/token`;
  const { appKey, appSecret, refreshToken } = state;
  let closing: Promise<void> | undefined;

  return {
    apiBaseUrl,
    contentBaseUrl: state.contentBaseUrl,
    tokenUrl,
    appKey,
    appSecret,
    refreshToken,
    config: { appKey, appSecret, refreshToken, apiBaseUrl, tokenUrl },
    counts: () => ({ ...state.counts }),
    advanceClock: (seconds) => state.clock.advance(seconds),
    putFile: (path, bytes) => {
      state.files.put(path, Buffer.from(bytes));
    },
    readFile: (path) => state.files.get(path)?.bytes,
    revokeAccessTokens: () => state.accessTokens.clear(),
    failNextRpcCalls: (count, fault, retryAfterSeconds = 1) => {
      state.faults = { remaining: count, fault, retryAfterSeconds };
    },
    // Idempotent: every caller waits for the same close.
    close: () =>
      (closing ??= Promise.allSettled([closeServer(api), closeServer(content)]).then(
        () => undefined,
      )),
  };
}

/** Listens on a free loopback port and returns the server's base URL. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes a server without waiting for idle keep-alive connections to time out. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
