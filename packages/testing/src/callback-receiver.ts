import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '@darkroom/core';

/** One POST an application received. */
export interface ReceivedCallback {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as signatures cover it. */
  body: string;
}

/** An application's callback endpoint: a real HTTP server on a loopback port. */
export interface CallbackReceiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `127.0.0.1:<port>`, for DARKROOM_CALLBACK_ALLOW. */
  hostPort: string;
  received: ReceivedCallback[];
  /** The status answered to requests whose path starts with a key; 204 otherwise. */
  statusByPath: Map<string, number>;
  close(): Promise<void>;
}

export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const statusByPath = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = [...statusByPath].find(([prefix]) => path.startsWith(prefix))?.[1] ?? 204;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    received,
    statusByPath,
    close: async () => {
      const closing = closeServer(server);
      server.closeAllConnections();
      await closing;
    },
  };
}
