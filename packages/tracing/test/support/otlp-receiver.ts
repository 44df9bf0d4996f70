import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeOnce, closeServer } from '@darkroom/core';

/** A real HTTP server standing in for an OpenTelemetry collector's OTLP/HTTP port. */
export interface OtlpReceiver {
  url: string;
  requests: Array<{ method: string; path: string; body: string }>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpReceiver['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: closeOnce(() => {
      const closed = closeServer(server);
      server.closeAllConnections();
      return closed;
    }),
  };
}
