import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A forwarding proxy in front of an IMS that remembers every access token it hands out. */
export interface TokenRecorder {
  /** Origin to configure as the IMS URL. */
  url: string;
  /** Every `access_token` issued through this proxy so far. */
  tokens(): string[];
  close(): Promise<void>;
}

/**
 * Starts a loopback proxy that forwards each request to `target` and records the access tokens
 * in its replies, so a leak scan can search for the exact tokens workers were issued.
 */
export async function startTokenRecorder(target: string): Promise<TokenRecorder> {
  const issued = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) {
            if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
          }
          const reply = await fetch(new URL(req.url ?? '/', target), {
            method: req.method ?? 'GET',
            headers,
            ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
          });
          const text = await reply.text();
          try {
            const token = (JSON.parse(text) as { access_token?: unknown }).access_token;
            if (typeof token === 'string') issued.add(token);
          } catch {
            // Not JSON: nothing to record.
          }
          res.writeHead(reply.status, {
            'content-type': reply.headers.get('content-type') ?? 'application/json',
          });
          res.end(text);
        } catch {
          res.writeHead(502).end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    tokens: () => [...issued],
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
