import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthServerOptions {
  host: string;
  port: number;
  register: Registry;
  /** Liveness: the process and its event loop answer. */
  live: () => boolean;
  /** Readiness: Redis reachable and the consumer consuming; `reasons` say what is wrong. */
  ready: () => Promise<{ ready: boolean; reasons: string[] }>;
  /** Refreshes values read on scrape; a failure leaves them stale rather than failing the scrape. */
  beforeMetrics?: () => Promise<void>;
}

/** `/healthz`, `/readyz` and `/metrics` on one small HTTP server. */
export async function startHealthServer(
  options: HealthServerOptions,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, JSON.stringify({ error: 'method not allowed' }));
    if (path === '/healthz') {
      return options.live() ? send(200, '{"status":"ok"}') : send(503, '{"status":"stopping"}');
    }
    if (path === '/readyz') {
      options.ready().then(
        ({ ready, reasons }) =>
          send(
            ready ? 200 : 503,
            JSON.stringify({ status: ready ? 'ready' : 'not_ready', reasons }),
          ),
        (err: unknown) =>
          send(503, JSON.stringify({ status: 'not_ready', reasons: [String(err)] })),
      );
      return;
    }
    if (path === '/metrics') {
      (options.beforeMetrics ?? (() => Promise.resolve()))()
        .catch(() => undefined)
        .then(() => options.register.metrics())
        .then(
          (text) => send(200, text, options.register.contentType),
          (err: unknown) => send(500, String(err), 'text/plain'),
        );
      return;
    }
    send(404, JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
