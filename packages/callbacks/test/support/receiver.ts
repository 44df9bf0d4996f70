import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '@darkroom/core';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers one request; the default answers 204. */
export type Answer = (res: ServerResponse, req: ReceivedRequest) => void;

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `127.0.0.1:<port>`, for allow-lists. */
  hostPort: string;
  requests: ReceivedRequest[];
  /** Answers for the next requests, in order; after them, `fallback`. */
  answers: Answer[];
  fallback: Answer;
  close(): Promise<void>;
}

export const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (res) => {
    res.writeHead(code, headers);
    res.end(`status ${code}`);
  };

/** A real HTTP server on an ephemeral loopback port that records every request. */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver = { requests, answers: [] as Answer[], fallback: status(204) };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      (receiver.answers.shift() ?? receiver.fallback)(res, received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    origin: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    close: async () => {
      const closing = closeServer(server);
      server.closeAllConnections();
      await closing;
    },
  });
}
