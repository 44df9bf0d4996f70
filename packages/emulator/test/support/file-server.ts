import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { closeOnce, closeServer } from '@darkroom/core';

/**
 * A tiny storage double for tests: GET serves stored bytes, PUT stores them. Paths can be made
 * to answer a fixed status (403, 404, 410...) to exercise the emulator's input failures.
 */
export interface FileServer {
  url: string;
  /** Stores bytes at `path` (e.g. `/in/a.psd`). */
  put(path: string, bytes: Buffer): void;
  get(path: string): { bytes: Buffer; contentType: string | undefined } | undefined;
  /** Makes `path` answer `status` with no body. */
  fail(path: string, status: number): void;
  /** Requests seen, as `METHOD path` (query strings dropped). */
  requests: string[];
  /** Headers of each request, in the order of `requests`. */
  headers: Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, { bytes: Buffer; contentType: string | undefined }>();
  const failures = new Map<string, number>();
  const requests: string[] = [];
  const headers: Array<Record<string, string | string[] | undefined>> = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(`${req.method ?? 'GET'} ${path}`);
    headers.push(req.headers);
    const status = failures.get(path);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (status !== undefined) {
        res.writeHead(status).end();
        return;
      }
      // PUT for presigned URLs and Azure, POST for Dropbox temporary upload links.
      if (req.method === 'PUT' || req.method === 'POST') {
        files.set(path, { bytes: Buffer.concat(chunks), contentType: req.headers['content-type'] });
        res.writeHead(200).end();
        return;
      }
      const file = files.get(path);
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-length': file.bytes.length }).end(file.bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    put: (path, bytes) => files.set(path, { bytes, contentType: undefined }),
    get: (path) => files.get(path),
    fail: (path, status) => failures.set(path, status),
    requests,
    headers,
    close: closeOnce(() => {
      const closed = closeServer(server);
      server.closeAllConnections();
      return closed;
    }),
  };
}
