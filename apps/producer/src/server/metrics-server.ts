import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from '@darkroom/observability';

/** The producer's scrape endpoint, listening: its port and `close()`. */
export interface MetricsServer {
  server: Server;
  port: number;
}

/**
 * `GET /metrics` alone, on a port apart from the API's (`PRODUCER_METRICS_PORT`), as the
 * worker serves its own: the API's port then has no unauthenticated route that tells anything
 * about the service, and the scrape port stays inside the cluster network.
 */
export async function startMetricsServer(
  register: Registry,
  host: string,
  port: number,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('only GET /metrics is served here\n');
      return;
    }
    register.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': register.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  server.listen(port, host);
  // A port already in use rejects here, so it is reported as a failed start.
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}
