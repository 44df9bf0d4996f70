import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeOnce, closeServer } from '@darkroom/core';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse, nth: number) => void | Promise<void>;

/**
 * A real HTTP server on an ephemeral loopback port standing in for Adobe's API and IMS. Each
 * route has a handler; every request is recorded so tests can count what reached the server.
 */
export interface AdobeDouble {
  origin: string;
  requests: SeenRequest[];
  count(method: string, path: string): number;
  route(method: string, path: string, handler: Handler): void;
  close(): Promise<void>;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startAdobeDouble(): Promise<AdobeDouble> {
  const routes = new Map<string, Handler>();
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      const key = `${seen.method} ${path}`;
      const handler = routes.get(key);
      const nth = requests.filter((r) => `${r.method} ${r.path}` === key).length;
      if (!handler)
        return json(res, 404, { type: 'ResourceNotFound', code: 404, title: 'no route' });
      void Promise.resolve(handler(seen, res, nth)).catch((err: unknown) => {
        res.destroy(err instanceof Error ? err : undefined);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    count: (method, path) => requests.filter((r) => r.method === method && r.path === path).length,
    route: (method, path, handler) => routes.set(`${method} ${path}`, handler),
    close: closeOnce(() => {
      const closed = closeServer(server);
      server.closeAllConnections();
      return closed;
    }),
  };
}
