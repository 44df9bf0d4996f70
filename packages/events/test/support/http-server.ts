import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '@darkroom/core';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface TestServer {
  origin: string;
  server: Server;
  /** Every request the server saw, in order. */
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A real node http server on 127.0.0.1 and an ephemeral port that records its requests. */
export async function startServer(handler: RequestListener): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    seen,
    close: async () => {
      const closing = closeServer(server);
      server.closeAllConnections();
      await closing;
    },
  };
}
