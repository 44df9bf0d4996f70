import { createServer, type Server } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import type { StorageConfig } from '@darkroom/storage';

/** A storage endpoint that remembers only sizes, so storage never limits a measurement. */
export interface ObjectSink {
  endpoint: string;
  /** An S3 config whose presigned URLs point at the sink (signing is local; nothing checks it). */
  storageConfig: StorageConfig;
  puts(): number;
  close(): Promise<void>;
}

/**
 * Answers S3's PUT and HEAD in path style: PUT records the body's size, HEAD returns it. s3rver
 * writes every object to disk and would cap throughput well below what the queue can do.
 */
export async function startObjectSink(): Promise<ObjectSink> {
  const sizes = new Map<string, number>();
  let putCount = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const key = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'PUT') {
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.length));
      req.on('end', () => {
        sizes.set(key, size);
        putCount += 1;
        res.writeHead(200, { etag: '"sink"', 'content-length': 0 }).end();
      });
      return;
    }
    req.resume();
    const size = sizes.get(key);
    if (size === undefined) {
      res.writeHead(404, { 'content-length': 0 }).end();
      return;
    }
    res
      .writeHead(200, {
        'content-length': size,
        etag: '"sink"',
        'last-modified': new Date().toUTCString(),
      })
      .end();
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    storageConfig: {
      s3: {
        default: {
          region: 'us-east-1',
          endpoint,
          forcePathStyle: true,
          credentials: { accessKeyId: 'bench', secretAccessKey: 'bench-secret' },
        },
      },
    },
    puts: () => putCount,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })),
  };
}
