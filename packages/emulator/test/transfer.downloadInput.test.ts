import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { guardAgainstLeaks } from '@darkroom/testing';
import { downloadInput, TransferAgents, type TransferOptions } from '../src/jobs/transfer';

guardAgainstLeaks();

/**
 * A storage that answers `bytes`, except that it resets the connection instead of answering the
 * requests `reset` picks (by their number, counted from 1, and whether they came on a connection
 * that had already carried one).
 */
async function startStorage(reset: (n: number, reused: boolean) => boolean) {
  const served = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    const before = served.get(req.socket) ?? 0;
    served.set(req.socket, before + 1);
    if (reset(requests, before > 0)) {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-length': 5 }).end('bytes');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/in/a.png`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('downloadInput over a keep-alive pool', () => {
  const agents = new TransferAgents();
  const options: TransferOptions = {
    timeoutMs: 5_000,
    maxInputBytes: 1_000,
    signal: new AbortController().signal,
    agents,
  };
  afterAll(() => agents.destroy());

  it('sends a request again on a fresh connection when a reused one was reset before answering', async () => {
    // The second request rides the first one's pooled connection, which the storage resets.
    const storage = await startStorage((n, reused) => n === 2 && reused);
    try {
      expect((await downloadInput(storage.url, options)).toString()).toBe('bytes');
      expect((await downloadInput(storage.url, options)).toString()).toBe('bytes');
      expect(storage.requests()).toBe(3);
    } finally {
      await storage.close();
    }
  });

  it('fails the job when a fresh connection is reset: only a stale pooled one is retried', async () => {
    const storage = await startStorage((_n, reused) => !reused);
    try {
      await expect(downloadInput(storage.url, options)).rejects.toMatchObject({
        message: expect.stringContaining('Unable to download the input href') as unknown,
      });
      expect(storage.requests()).toBe(1);
    } finally {
      await storage.close();
    }
  });
});
