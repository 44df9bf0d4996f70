import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  freePort,
  guardAgainstLeaks,
  startS3rver,
  uniqueName,
  type S3rverFixture,
} from '@darkroom/testing';
import { S3Presigner, StorageBackendError, type S3Ref } from '../src';

guardAgainstLeaks();

/**
 * An S3 endpoint that answers the first `failures` requests with `status` and passes the rest to
 * s3rver, recording what it was sent: the faults of a real S3 under load (503 SlowDown, 500).
 */
interface FaultyS3 {
  url: string;
  seen: { method: string; signed: boolean }[];
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

async function startFaultyS3(upstream: string): Promise<FaultyS3> {
  const seen: FaultyS3['seen'] = [];
  let failures = 0;
  let failStatus = 503;
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    seen.push({ method: req.method ?? '', signed: query.has('X-Amz-Signature') });
    if (failures > 0) {
      failures -= 1;
      res.writeHead(failStatus).end();
      return;
    }
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (upstreamRes: IncomingMessage) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    failNext(count, status) {
      failures = count;
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

describe('S3Presigner.stat through a presigned HEAD', () => {
  let s3: S3rverFixture;
  let faulty: FaultyS3;
  let presigner: S3Presigner;
  let bucket: string;

  beforeAll(async () => {
    s3 = await startS3rver();
    bucket = await s3.createBucket();
    faulty = await startFaultyS3(s3.config.endpoint);
    presigner = new S3Presigner({ ...s3.config, endpoint: faulty.url });
  }, 30_000);

  afterAll(async () => {
    await presigner?.close();
    await faulty?.close();
    await s3?.close();
  });

  beforeEach(() => {
    faulty.seen.length = 0;
  });

  async function putObject(bytes: number): Promise<S3Ref> {
    const ref: S3Ref = { scheme: 's3', bucket, key: `stat/${uniqueName('obj')}.bin` };
    const url = await presigner.presignWrite(ref, 300);
    const put = await fetch(url.href, { method: 'PUT', body: Buffer.alloc(bytes, 7) });
    await put.arrayBuffer();
    expect(put.status).toBe(200);
    faulty.seen.length = 0;
    return ref;
  }

  it('sends one signed HEAD and reads the size from it', async () => {
    const ref = await putObject(1234);
    await expect(presigner.stat(ref)).resolves.toMatchObject({ exists: true, size: 1234 });
    expect(faulty.seen).toEqual([{ method: 'HEAD', signed: true }]);
  });

  it('reports a missing object as not existing, with one request', async () => {
    const ref: S3Ref = { scheme: 's3', bucket, key: `stat/${uniqueName('missing')}.bin` };
    await expect(presigner.stat(ref)).resolves.toEqual({ exists: false });
    expect(faulty.seen).toHaveLength(1);
  });

  it('retries 503 and 500 replies, as the AWS SDK does, and then answers', async () => {
    const ref = await putObject(10);
    faulty.failNext(2, 503);
    await expect(presigner.stat(ref)).resolves.toMatchObject({ exists: true, size: 10 });
    expect(faulty.seen.map((s) => s.method)).toEqual(['HEAD', 'HEAD', 'HEAD']);
  });

  it('gives up after three attempts with the status and a code', async () => {
    const ref = await putObject(10);
    faulty.failNext(5, 500);
    const err = await presigner.stat(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageBackendError);
    expect(err).toMatchObject({ operation: 'HeadObject', status: 500, code: 'InternalError' });
    expect(faulty.seen).toHaveLength(3);
    faulty.failNext(0, 500);
  });

  it('does not retry a 403, and its error carries no URL', async () => {
    const ref = await putObject(10);
    faulty.failNext(1, 403);
    const err = await presigner.stat(ref).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, code: 'Forbidden' });
    expect(String((err as Error).message)).not.toMatch(/X-Amz|http/);
    expect(faulty.seen).toHaveLength(1);
  });

  it('reports an unreachable endpoint as a network error after retrying', async () => {
    const dead = new S3Presigner({
      ...s3.config,
      endpoint: `http://127.0.0.1:${await freePort()}`,
    });
    try {
      const err = await dead
        .stat({ scheme: 's3', bucket, key: 'stat/anything.bin' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageBackendError);
      expect(err).toMatchObject({ operation: 'HeadObject', code: 'NetworkError' });
      expect((err as Error).message).toContain('ECONNREFUSED');
    } finally {
      await dead.close();
    }
  });
});
