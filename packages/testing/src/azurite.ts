import { execFile, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueBucketName } from './names';

/** Azurite's well-known development account (public, documented, not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteFixture {
  /**
   * Blob endpoint with the account in the path: `http://127.0.0.1:<port>/devstoreaccount1`
   * (`https://` with `oauth: true`).
   */
  endpoint: string;
  /** With `oauth: true`, the PEM certificate Azurite serves; clients must trust it. */
  ca: string | undefined;
  port: number;
  accountName: string;
  accountKey: string;
  /** An account entry for @darkroom/storage's config (`azure.accounts.devstoreaccount1`). */
  config: { accountKey: string; endpoint: string };
  /** Creates a container (a fresh unique name by default) and returns its name. */
  createContainer(name?: string): Promise<string>;
  close(): Promise<void>;
}

export interface AzuriteOptions {
  /** How long to wait for the blob service to listen. @defaultValue 20000 */
  startTimeoutMs?: number;
  /**
   * Serve HTTPS with a fresh self-signed certificate for 127.0.0.1 and accept Entra bearer
   * tokens (`--oauth basic`: Azurite checks issuer, audience and lifetime, not the signature),
   * which user-delegation SAS needs. Requires the `openssl` command.
   * @defaultValue false
   */
  oauth?: boolean;
}

async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await new Promise<void>((resolve, reject) => {
    execFile(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      (err) =>
        err
          ? reject(new Error(`openssl could not make a test certificate: ${err.message}`))
          : resolve(),
    );
  });
  return { cert, key };
}

const LISTENING = /successfully listens on (https?:\/\/[^\s]+)/;

/**
 * An empty working folder for Azurite and, with `oauth`, a certificate in it. The folder is
 * removed again when the certificate cannot be made.
 */
async function prepareFolder(
  oauth: boolean | undefined,
): Promise<{ cwd: string; tls: { cert: string; key: string } | undefined }> {
  // In-memory persistence writes nothing, but Azurite resolves paths against its cwd: give it an
  // empty folder rather than the caller's.
  const cwd = await mkdtemp(join(tmpdir(), 'darkroom-azurite-'));
  try {
    return { cwd, tls: oauth ? await selfSignedCertificate(cwd) : undefined };
  } catch (err) {
    await rm(cwd, { recursive: true, force: true });
    throw err;
  }
}

/** Azurite's blob service (`main`, its entry script) on a port it picks, in memory, quiet. */
function spawnAzurite(main: string, cwd: string, tls: { cert: string; key: string } | undefined) {
  return spawn(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
      '--silent',
      ...(tls ? ['--oauth', 'basic', '--cert', tls.cert, '--key', tls.key] : []),
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

type AzuriteProcess = ReturnType<typeof spawnAzurite>;

/** The port Azurite reports it listens on; rejects when it exits or stays silent too long. */
function listeningPort(child: AzuriteProcess, startTimeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start within ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        // Keep draining so a chatty child never blocks on a full pipe.
        child.stdout.resume();
        resolve(Number(new URL(match[1]).port));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${String(code)}: ${output.slice(-500)}`));
    });
  });
}

/** Stops the process if it still runs, closes its pipes and removes its folder. */
async function stopAzurite(child: AzuriteProcess, cwd: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
  child.stdout.destroy();
  child.stderr.destroy();
  await rm(cwd, { recursive: true, force: true });
}

/**
 * Starts Azurite's blob service (only) as a child process on a free loopback port, in memory,
 * without telemetry and without the API-version check (the SDK may be newer than Azurite).
 * Azurite checks SAS signatures, permissions and expiry like Azure does.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteFixture> {
  const main = require.resolve('azurite/dist/src/blob/main.js');
  const { cwd, tls } = await prepareFolder(options.oauth);
  const ca = tls ? await readFile(tls.cert, 'utf8') : undefined;
  const child = spawnAzurite(main, cwd, tls);
  const stop = (): Promise<void> => stopAzurite(child, cwd);

  let port: number;
  try {
    port = await listeningPort(child, options.startTimeoutMs ?? 20_000);
  } catch (err) {
    await stop();
    throw err;
  }

  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${port}/${AZURITE_ACCOUNT_NAME}`;
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    ca,
    port,
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    config: { accountKey: AZURITE_ACCOUNT_KEY, endpoint },
    createContainer: async (name = uniqueBucketName('container')) => {
      await createContainer(endpoint, name, ca);
      return name;
    },
    close: () => (closing ??= stop()),
  };
}

/**
 * Create Container over REST with Shared Key auth, so this package needs no Azure SDK.
 * @see https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
 */
async function createContainer(
  endpoint: string,
  name: string,
  ca: string | undefined,
): Promise<void> {
  const url = new URL(`${endpoint}/${name}?restype=container`);
  const headers: Record<string, string> = {
    'x-ms-date': new Date().toUTCString(),
    'x-ms-version': '2021-12-02',
  };
  const canonicalHeaders = Object.keys(headers)
    .sort()
    .map((key) => `${key}:${headers[key]}\n`)
    .join('');
  // Path-style emulator URLs already hold the account, and the resource repeats it.
  const canonicalResource = `/${AZURITE_ACCOUNT_NAME}${url.pathname}\nrestype:container`;
  // VERB, then eleven standard headers (all empty here), then x-ms-* headers and the resource.
  const stringToSign =
    ['PUT', ...Array<string>(11).fill('')].join('\n') + '\n' + canonicalHeaders + canonicalResource;
  const signature = createHmac('sha256', Buffer.from(AZURITE_ACCOUNT_KEY, 'base64'))
    .update(stringToSign, 'utf8')
    .digest('base64');
  // node:http(s) rather than fetch: fetch cannot be told to trust the self-signed certificate.
  const { status, body } = await new Promise<{ status: number; body: string }>(
    (resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: 'PUT',
          headers: { ...headers, Authorization: `SharedKey ${AZURITE_ACCOUNT_NAME}:${signature}` },
          ...(ca ? { ca } : {}),
          agent: false,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
  if (status !== 201) {
    throw new Error(`Azurite refused to create container ${name}: ${status} ${body.slice(0, 300)}`);
  }
}
