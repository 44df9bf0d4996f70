/**
 * Submit and status-read throughput of the emulator alone, with zero simulated duration and
 * placeholder processing (a tiny generated file PUT per output, no image work).
 *
 * The emulator runs in its own process (one Node event loop: one core of JavaScript), a fork of
 * this file started with `serve`; this process generates the load over keep-alive connections
 * and also hosts the storage sink the emulator PUTs its outputs to. Run with `pnpm bench`;
 * CONNECTIONS, SUBMITS and READS tune it.
 */
import { fork } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createEmulator } from '../src';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 64);
const SUBMITS = Number(process.env.SUBMITS ?? 20_000);
const READS = Number(process.env.READS ?? 50_000);

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function call(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The forked process: the emulator alone, reporting its URL to the parent, closed on SIGTERM. */
async function serveEmulator(): Promise<void> {
  const emulator = await createEmulator({
    port: 0,
    timeFactor: 0,
    processing: 'placeholder',
    limits: false,
  });
  process.once('SIGTERM', () => {
    void emulator.close().then(() => process.exit(0));
  });
  process.send?.(emulator.url);
}

async function startEmulatorProcess(): Promise<{ url: string; stop: () => void }> {
  // A fork inherits this process's Node arguments, so tsx loads the TypeScript sources there too.
  const child = fork(__filename, ['serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) =>
      typeof message === 'string'
        ? resolve(message)
        : reject(new Error('no URL from the emulator')),
    );
    child.once('exit', (code) => reject(new Error(`emulator exited with ${String(code)}`)));
  });
  child.disconnect();
  return { url, stop: () => child.kill('SIGTERM') };
}

async function runPool(total: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < total) {
        const i = next;
        next += 1;
        await work(i);
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-length': 0 }).end());
  });
  sink.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const emulator = await startEmulatorProcess();
  try {
    const token = await call(
      `${emulator.url}/ims/token/v3`,
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'grant_type=client_credentials&client_id=darkroom-dev&client_secret=darkroom-dev-secret',
    );
    const accessToken = (JSON.parse(token.text) as { access_token: string }).access_token;
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'x-api-key': 'darkroom-dev',
      'content-type': 'application/json',
    };
    const links: string[] = [];
    const submit = async (i: number): Promise<void> => {
      const body = JSON.stringify({
        inputs: [{ href: `${sinkUrl}/in/${i}.psd?X-Amz-Signature=bench`, storage: 'external' }],
        outputs: [
          {
            href: `${sinkUrl}/out/${i}.jpg?X-Amz-Signature=bench`,
            storage: 'external',
            type: 'image/jpeg',
          },
        ],
      });
      const reply = await call(
        `${emulator.url}/pie/psdService/renditionCreate`,
        'POST',
        headers,
        body,
      );
      if (reply.status !== 202) throw new Error(`submit answered ${reply.status}: ${reply.text}`);
      links.push(
        (JSON.parse(reply.text) as { _links: { self: { href: string } } })._links.self.href,
      );
    };
    // Warm up JIT and connections before measuring.
    await runPool(2000, submit);
    links.length = 0;
    const submitSeconds = await runPool(SUBMITS, submit);
    const read = async (i: number): Promise<void> => {
      const reply = await call(links[i % links.length] ?? '', 'GET', headers);
      if (reply.status !== 200) throw new Error(`status answered ${reply.status}`);
    };
    await runPool(2000, read);
    const readSeconds = await runPool(READS, read);
    const submitsPerSecond = Math.round(SUBMITS / submitSeconds);
    const readsPerSecond = Math.round(READS / readSeconds);
    console.log(
      `connections: ${CONNECTIONS} keep-alive, emulator in its own process, placeholder processing, timeFactor 0, rate limits off`,
    );
    console.log(
      `submits:     ${SUBMITS} in ${submitSeconds.toFixed(2)} s = ${submitsPerSecond}/s (target 2000/s)`,
    );
    console.log(
      `status GETs: ${READS} in ${readSeconds.toFixed(2)} s = ${readsPerSecond}/s (target 5000/s)`,
    );
  } finally {
    emulator.stop();
    agent.destroy();
    sink.closeAllConnections();
    sink.close();
  }
}

(process.argv[2] === 'serve' ? serveEmulator() : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
