import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { createEmulator, type Emulator } from '@darkroom/emulator';
import { EditJobValidationError, EditQueue } from '@darkroom/jobs';
import { createLogger } from '@darkroom/observability';
import { createServer } from '@darkroom/producer';
import { StorageRegistry } from '@darkroom/storage';
import {
  guardAgainstLeaks,
  redisUrl,
  startS3rver,
  uniqueName,
  waitFor,
  type S3rverFixture,
} from '@darkroom/testing';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';

guardAgainstLeaks();

const CLIENT = { clientId: 'darkroom-ssrf', clientSecret: 'ssrf-secret-value-1' };
const TOKEN = 'ssrf-producer-token';

interface Listening {
  server: Server;
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Where every payload aims; any connection at all is a request off the allowlist. */
let sinkConnections = 0;
const sink = createHttpServer((_req, res) => res.writeHead(200).end('{}'));
sink.on('connection', () => {
  sinkConnections += 1;
});

/** Locations a hostile caller could give in place of a storage reference (SINK = the sink). */
const locationPayloads = (sinkPort: number): string[] => {
  const SINK = `127.0.0.1:${sinkPort}`;
  return [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'https://169.254.169.254/latest/meta-data/',
    'http://2852039166/latest/meta-data/',
    'http://0251.0376.0251.0376/latest/meta-data/',
    'http://0xa9fea9fe/latest/meta-data/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
    `http://${SINK}/x`,
    `https://${SINK}/x`,
    `http://localhost:${sinkPort}/x`,
    `http://127.1:${sinkPort}/x`,
    `http://0.0.0.0:${sinkPort}/x`,
    `http://[::1]:${sinkPort}/x`,
    `http://[::]:${sinkPort}/x`,
    `http://localtest.me:${sinkPort}/x`,
    `http://127.0.0.1.nip.io:${sinkPort}/x`,
    'http://10.0.0.1/x',
    'http://172.16.0.1/x',
    'http://192.168.1.1/x',
    `s3://bucket@${SINK}/key.jpg`,
    `s3://${SINK}/key.jpg`,
    's3://127.0.0.1/key.jpg',
    's3://169.254.169.254/key.jpg',
    `https://good.example\\@${SINK}/x`,
    `https://good.example@${SINK}/x`,
    `//${SINK}/x`,
    `file:///etc/passwd`,
    `gopher://${SINK}/_PING`,
    `ftp://${SINK}/x`,
    `azure://account@${SINK}/container/blob`,
    `dropbox://${SINK}/x`,
    `s3://bucket/key.jpg?redirect=http://${SINK}/`,
  ];
};

describe('SSRF: no request leaves the allowlist', () => {
  let sinkServer: Listening;
  let edits: EditQueue;
  let api: Listening;

  beforeAll(async () => {
    sinkServer = await listen(sink);
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('ssrf') });
    api = await listen(
      createHttpServer(
        createServer({ edits, tokens: [TOKEN], logger: createLogger({ level: 'silent' }) }),
      ),
    );
  });
  afterAll(async () => {
    await api.close();
    await edits.queue.obliterate({ force: true });
    await edits.close();
    await sinkServer.close();
  });

  it('refuses every URL-like location at EditQueue.enqueue and at POST /v1/edits, naming the field', async () => {
    const payloads = locationPayloads(sinkServer.port);
    expect(payloads.length).toBeGreaterThanOrEqual(30);
    const jobs = payloads.flatMap((p) => [
      {
        field: 'input',
        job: {
          operation: 'renditionCreate',
          input: p,
          outputs: [{ ref: 's3://out-bucket/a.jpg', type: 'image/jpeg' }],
        },
      },
      {
        field: 'outputs\\[0\\]\\.ref',
        job: {
          operation: 'renditionCreate',
          input: 's3://in-bucket/a.psd',
          outputs: [{ ref: p, type: 'image/jpeg' }],
        },
      },
      {
        field: 'options',
        job: {
          operation: 'documentOperations',
          input: 's3://in-bucket/a.psd',
          outputs: [{ ref: 's3://out-bucket/a.psd', type: 'vnd.adobe.photoshop' }],
          options: {
            layers: [
              { add: { insertTop: true }, type: 'layer', input: { href: p, storage: 'external' } },
            ],
          },
        },
      },
    ]);
    for (const { field, job } of jobs) {
      const err = await edits.enqueue(job).then(
        () => new Error(`accepted ${JSON.stringify(job)}`),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EditJobValidationError);
      const paths = (err as EditJobValidationError).issues.map((i) => i.path);
      const named = paths.some((p) => new RegExp(`^${field}`).test(p));
      expect({ job, paths, named }).toEqual({ job, paths, named: true });

      const res = await fetch(`http://127.0.0.1:${api.port}/v1/edits`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(job),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { issues: Array<{ path: string }> };
      expect(body.issues.some((i) => new RegExp(`^${field}`).test(i.path))).toBe(true);
    }
    expect(Object.values(await edits.counts()).reduce((a, b) => a + b, 0)).toBe(0);
    expect(sinkConnections).toBe(0);
  });

  describe('status links and redirects from a hostile API', () => {
    let s3: S3rverFixture;
    let ims: Emulator;
    let fakeApi: Listening;
    let worker: DarkroomWorker;
    let storage: StorageRegistry;
    let input: string;
    let outBucket: string;
    let reply: (res: ServerResponse) => void = () => undefined;
    let fakeApiHits = 0;
    let workerQueue: EditQueue;
    const logs: string[] = [];

    beforeAll(async () => {
      s3 = await startS3rver();
      const inBucket = await s3.createBucket();
      outBucket = await s3.createBucket();
      storage = new StorageRegistry({ s3: { default: s3.config } });
      input = `s3://${inBucket}/in.png`;
      const png = await sharp({
        create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } },
      })
        .png()
        .toBuffer();
      await storage.upload(input, png, 'image/png');
      ims = await createEmulator({ port: 0, clients: [CLIENT], limits: false });
      fakeApi = await listen(
        createHttpServer((req, res) => {
          fakeApiHits += 1;
          req.resume();
          req.on('end', () => reply(res));
        }),
      );
      const queueName = uniqueName('ssrf-worker');
      workerQueue = new EditQueue({
        connection: redisUrl(),
        queueName,
        attempts: 2,
        backoffMs: 20,
      });
      worker = await createWorker(
        parseWorkerConfig({
          REDIS_URL: redisUrl(),
          DARKROOM_QUEUE: queueName,
          WORKER_HOST: '127.0.0.1',
          WORKER_PORT: '0',
          ADOBE_CLIENT_ID: CLIENT.clientId,
          ADOBE_CLIENT_SECRET: CLIENT.clientSecret,
          ADOBE_IMS_URL: ims.url,
          ADOBE_API_URL: `http://127.0.0.1:${fakeApi.port}`,
          ADOBE_API_V2_URL: `http://127.0.0.1:${fakeApi.port}`,
          DARKROOM_STORAGE: JSON.stringify({ s3: { default: s3.config } }),
          EXPECTED_DURATION_SCALE: '0.001',
          BUDGET_TIME_SCALE: '0.001',
          // Hostile replies of both generations are tried, v1's among them.
          DARKROOM_LEGACY_API: 'allow',
          LOG_LEVEL: 'debug',
        }),
        {
          logDestination: new Writable({
            write(chunk: Buffer, _e, done) {
              logs.push(chunk.toString());
              done();
            },
          }),
        },
      );
    });
    afterAll(async () => {
      await worker.close();
      await workerQueue.queue.obliterate({ force: true });
      await workerQueue.close();
      await fakeApi.close();
      await ims.close();
      await storage.close();
      await s3.close();
    });

    const sinkLinks = (port: number): Array<[string, string]> => [
      ['plain loopback', `http://127.0.0.1:${port}/pie/psdService/status/a1`],
      ['localhost', `http://localhost:${port}/pie/psdService/status/a1`],
      ['IPv6 mapped', `http://[::ffff:127.0.0.1]:${port}/pie/psdService/status/a1`],
      [
        'userinfo on the API host',
        `http://127.0.0.1:${fakeApi.port}@127.0.0.1:${port}/pie/psdService/status/a1`,
      ],
      ['decimal', `http://2130706433:${port}/pie/psdService/status/a1`],
      ['metadata', 'http://169.254.169.254/pie/psdService/status/a1'],
      ['protocol-relative', `//127.0.0.1:${port}/pie/psdService/status/a1`],
      ['https downgrade host', `https://127.0.0.1:${port}/pie/psdService/status/a1`],
    ];

    it('fails jobs whose submit reply points the status link at a foreign host, without touching it', async () => {
      for (const [what, link] of sinkLinks(sinkServer.port)) {
        reply = (res) => {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ _links: { self: { href: link } } }));
        };
        const { id } = await workerQueue.enqueue({
          operation: 'renditionCreate',
          input,
          outputs: [{ ref: `s3://${outBucket}/${uniqueName('o')}.jpg`, type: 'image/jpeg' }],
        });
        const done = await workerQueue.waitFor(id, { timeout: 30_000 });
        const refused = /refusing to follow a status URL/.test(done.failure?.message ?? '');
        expect({ what, state: done.state, refused }).toEqual({
          what,
          state: 'failed',
          refused: true,
        });
        expect(done.failure?.reason).toMatch(/client_error|invalid_job|retries_exhausted/);
      }
      expect(sinkConnections).toBe(0);
    });

    it('fails v2 jobs whose reply carries a statusUrl on a foreign host, without touching it', async () => {
      for (const [what, link] of sinkLinks(sinkServer.port)) {
        reply = (res) => {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ jobId: 'j-1', statusUrl: link.replace('/pie/psdService/', '/v2/') }),
          );
        };
        const { id } = await workerQueue.enqueue({
          operation: 'v2.edit',
          input,
          outputs: [{ ref: `s3://${outBucket}/${uniqueName('o')}.jpg`, mediaType: 'image/jpeg' }],
          options: { edits: { autoTone: true } },
        });
        const done = await workerQueue.waitFor(id, { timeout: 30_000 });
        const refused = /refusing to follow a status URL/.test(done.failure?.message ?? '');
        expect({ what, state: done.state, refused }).toEqual({
          what,
          state: 'failed',
          refused: true,
        });
      }
      expect(sinkConnections).toBe(0);
    });

    it('does not follow a redirect from the API (submit or status) to the sink', async () => {
      for (const status of [301, 302, 303, 307, 308]) {
        reply = (res) => {
          res.writeHead(status, { location: `http://127.0.0.1:${sinkServer.port}/steal` });
          res.end();
        };
        const { id } = await workerQueue.enqueue({
          operation: 'renditionCreate',
          input,
          outputs: [{ ref: `s3://${outBucket}/${uniqueName('o')}.jpg`, type: 'image/jpeg' }],
        });
        const done = await workerQueue.waitFor(id, { timeout: 30_000 });
        expect(done.state).toBe('failed');
      }
      expect(fakeApiHits).toBeGreaterThan(0);
      expect(sinkConnections).toBe(0);
    });

    it('logs no presigned URL while refusing them', async () => {
      await waitFor(() => Promise.resolve(logs.length > 0), {
        timeoutMs: 5_000,
        what: 'worker logs',
      });
      const text = logs.join('');
      expect(text).not.toMatch(/X-Amz-Signature|X-Amz-Credential/i);
      expect(text).not.toContain(CLIENT.clientSecret);
    });
  });
});
