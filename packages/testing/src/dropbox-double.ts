import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { coerceError } from '@darkroom/core';

/**
 * A loopback stand-in for the slice of the Dropbox API Darkroom uses, with Dropbox's request and
 * reply shapes: the OAuth refresh-token grant, `files/get_temporary_link`,
 * `files/get_temporary_upload_link`, `files/get_metadata`, and the content links they hand out.
 * The RPC host and the content host are separate servers, as `api.dropboxapi.com` and
 * `content.dropboxapi.com` are, so code that mixes them up fails here too.
 *
 * @see https://www.dropbox.com/developers/documentation/http/documentation
 */
export interface DropboxDouble {
  /** RPC host, e.g. `http://127.0.0.1:<port>`; RPC calls go to `<apiBaseUrl>/2/files/…`. */
  apiBaseUrl: string;
  /** Host the temporary links point at. */
  contentBaseUrl: string;
  /** `<apiBaseUrl>/oauth2/token` */
  tokenUrl: string;
  appKey: string;
  appSecret: string;
  refreshToken: string;
  /** A Dropbox entry for @darkroom/storage's config. */
  config: {
    appKey: string;
    appSecret: string;
    refreshToken: string;
    apiBaseUrl: string;
    tokenUrl: string;
  };
  /** Requests served so far, by endpoint. */
  counts(): DropboxDoubleCounts;
  /** Moves the double's clock forward: links and access tokens expire without waiting. */
  advanceClock(seconds: number): void;
  /** Seeds a file, as if a user had uploaded it. */
  putFile(path: string, bytes: Uint8Array): void;
  /** The bytes stored at `path`, if any. */
  readFile(path: string): Buffer | undefined;
  /** Makes every access token issued so far invalid, as a revoked app would see. */
  revokeAccessTokens(): void;
  /**
   * Answers the next `count` RPC calls (any `files/…` route) with `status` in Dropbox's shape:
   * 429 is `too_many_requests` with `Retry-After`, anything else a plain-text server error.
   */
  failNextRpcCalls(count: number, status: 429 | 500 | 503, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

export interface DropboxDoubleCounts {
  token: number;
  getTemporaryLink: number;
  getTemporaryUploadLink: number;
  getMetadata: number;
  download: number;
  upload: number;
  /** RPC calls refused with 401. */
  unauthorized: number;
}

export interface DropboxDoubleOptions {
  /** Lifetime of issued access tokens (Dropbox's short-lived tokens last four hours). @defaultValue 14400 */
  accessTokenTtlSeconds?: number;
  /** Lifetime of read links; Dropbox's is fixed at four hours. @defaultValue 14400 */
  readLinkTtlSeconds?: number;
}

interface StoredFile {
  pathDisplay: string;
  bytes: Buffer;
  id: string;
  rev: string;
  modified: number;
}

interface UploadLink {
  pathDisplay: string;
  mode: 'add' | 'overwrite';
  autorename: boolean;
  expiresAt: number;
  consumed: boolean;
}

const FOUR_HOURS = 14_400;
/** `get_temporary_upload_link` accepts durations from one minute to four hours. */
const MIN_UPLOAD_DURATION = 60;

/** Dropbox's content hash: SHA-256 over the SHA-256 of each 4 MiB block. */
export function dropboxContentHash(bytes: Uint8Array): string {
  const outer = createHash('sha256');
  const block = 4 * 1024 * 1024;
  for (let offset = 0; offset < bytes.length; offset += block) {
    outer.update(
      createHash('sha256')
        .update(bytes.subarray(offset, offset + block))
        .digest(),
    );
  }
  return outer.digest('hex');
}

function token(prefix: string): string {
  return `${prefix}${randomBytes(18).toString('base64url')}`;
}

/** Dropbox timestamps: ISO 8601 in UTC without fractions. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** A union error in Dropbox's shape, e.g. `path/not_found/..` with `{ .tag: path, path: { .tag: not_found } }`. */
function sendRpcError(res: ServerResponse, status: number, tags: string[]): void {
  const [outer, inner] = tags;
  const error: Record<string, unknown> = { '.tag': outer };
  if (outer !== undefined && inner !== undefined) error[outer] = { '.tag': inner };
  sendJson(res, status, { error_summary: `${tags.join('/')}/..`, error });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts the double: two HTTP servers on free loopback ports. */
export async function startDropboxDouble(
  options: DropboxDoubleOptions = {},
): Promise<DropboxDouble> {
  const accessTokenTtl = options.accessTokenTtlSeconds ?? FOUR_HOURS;
  const readLinkTtl = options.readLinkTtlSeconds ?? FOUR_HOURS;
  const appKey = token('key-');
  const appSecret = token('secret-');
  const refreshToken = token('refresh-');
  let clockOffsetMs = 0;
  const now = (): number => Date.now() + clockOffsetMs;

  const accessTokens = new Map<string, number>(); // token → expires at
  const files = new Map<string, StoredFile>(); // lower-cased path → file
  const readLinks = new Map<string, { key: string; expiresAt: number }>();
  const uploadLinks = new Map<string, UploadLink>();
  const counts: DropboxDoubleCounts = {
    token: 0,
    getTemporaryLink: 0,
    getTemporaryUploadLink: 0,
    getMetadata: 0,
    download: 0,
    upload: 0,
    unauthorized: 0,
  };
  let revision = 0;
  let faults: { remaining: number; status: number; retryAfterSeconds: number } = {
    remaining: 0,
    status: 500,
    retryAfterSeconds: 1,
  };

  const store = (pathDisplay: string, bytes: Buffer): StoredFile => {
    const key = pathDisplay.toLowerCase();
    const file: StoredFile = {
      pathDisplay,
      bytes,
      id: files.get(key)?.id ?? `id:${randomBytes(12).toString('base64url')}`,
      rev: (++revision).toString(16).padStart(9, '0'),
      modified: now(),
    };
    files.set(key, file);
    return file;
  };

  const metadataOf = (file: StoredFile): Record<string, unknown> => ({
    '.tag': 'file',
    name: file.pathDisplay.slice(file.pathDisplay.lastIndexOf('/') + 1),
    id: file.id,
    client_modified: isoSeconds(file.modified),
    server_modified: isoSeconds(file.modified),
    rev: file.rev,
    size: file.bytes.length,
    path_lower: file.pathDisplay.toLowerCase(),
    path_display: file.pathDisplay,
    is_downloadable: true,
    content_hash: dropboxContentHash(file.bytes),
  });

  const isFolder = (path: string): boolean => {
    const prefix = `${path.toLowerCase().replace(/\/+$/, '')}/`;
    return [...files.keys()].some((key) => key.startsWith(prefix));
  };

  let contentBaseUrl = '';

  // ---- OAuth -------------------------------------------------------------------------------
  const handleToken = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counts.token += 1;
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    // Client credentials may also come as HTTP Basic auth.
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = id ?? null;
      clientSecret = secret ?? null;
    }
    if (form.get('grant_type') !== 'refresh_token') {
      sendJson(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'only refresh_token is served here',
      });
      return;
    }
    if (clientId !== appKey || clientSecret !== appSecret) {
      sendJson(res, 400, {
        error: 'invalid_client',
        error_description: 'unknown app key or wrong secret',
      });
      return;
    }
    if (form.get('refresh_token') !== refreshToken) {
      sendJson(res, 400, {
        error: 'invalid_grant',
        error_description: 'refresh token is not valid',
      });
      return;
    }
    const accessToken = token('sl.');
    accessTokens.set(accessToken, now() + accessTokenTtl * 1000);
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: accessTokenTtl,
    });
  };

  // ---- RPC ---------------------------------------------------------------------------------
  /** Checks auth and parses the JSON argument; answers and returns undefined when it cannot. */
  const rpcArgument = async (
    route: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<Record<string, unknown> | undefined> => {
    const body = await readBody(req);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined) {
      sendText(
        res,
        400,
        `Error in call to API function "${route}": no Bearer token in the Authorization header.`,
      );
      return undefined;
    }
    const expiresAt = accessTokens.get(bearer);
    if (expiresAt === undefined || expiresAt <= now()) {
      counts.unauthorized += 1;
      sendRpcError(res, 401, [
        expiresAt === undefined ? 'invalid_access_token' : 'expired_access_token',
      ]);
      return undefined;
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      sendText(
        res,
        400,
        `Error in call to API function "${route}": Content-Type must be application/json.`,
      );
      return undefined;
    }
    try {
      const value: unknown = JSON.parse(body.toString('utf8'));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return value as Record<string, unknown>;
      }
    } catch {
      // answered below
    }
    sendText(
      res,
      400,
      `Error in call to API function "${route}": request body is not a JSON object.`,
    );
    return undefined;
  };

  /** Dropbox paths start with "/"; anything else is a malformed path. */
  const pathArgument = (res: ServerResponse, value: unknown, route: string): string | undefined => {
    if (typeof value !== 'string') {
      sendText(res, 400, `Error in call to API function "${route}": missing "path".`);
      return undefined;
    }
    if (!value.startsWith('/') || value.endsWith('/')) {
      sendRpcError(res, 409, ['path', 'malformed_path']);
      return undefined;
    }
    return value;
  };

  const handleRpc = async (
    route: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    const arg = await rpcArgument(route, req, res);
    if (!arg) return;
    if (faults.remaining > 0) {
      faults.remaining -= 1;
      if (faults.status === 429) {
        res.setHeader('Retry-After', String(faults.retryAfterSeconds));
        sendJson(res, 429, {
          error_summary: 'too_many_requests/..',
          error: { reason: { '.tag': 'too_many_requests' }, retry_after: faults.retryAfterSeconds },
        });
      } else {
        sendText(res, faults.status, 'The double was told to fail this call.');
      }
      return;
    }
    switch (route) {
      case 'files/get_temporary_link': {
        counts.getTemporaryLink += 1;
        const path = pathArgument(res, arg.path, route);
        if (path === undefined) return;
        const file = files.get(path.toLowerCase());
        if (!file) {
          sendRpcError(res, 409, ['path', isFolder(path) ? 'not_file' : 'not_found']);
          return;
        }
        const id = randomBytes(16).toString('base64url');
        readLinks.set(id, { key: path.toLowerCase(), expiresAt: now() + readLinkTtl * 1000 });
        sendJson(res, 200, { metadata: metadataOf(file), link: `${contentBaseUrl}/apitl/1/${id}` });
        return;
      }
      case 'files/get_temporary_upload_link': {
        counts.getTemporaryUploadLink += 1;
        const commit = arg.commit_info;
        if (typeof commit !== 'object' || commit === null) {
          sendText(res, 400, `Error in call to API function "${route}": missing "commit_info".`);
          return;
        }
        const info = commit as Record<string, unknown>;
        const path = pathArgument(res, info.path, route);
        if (path === undefined) return;
        const modeValue = info.mode ?? 'add';
        const mode =
          typeof modeValue === 'string' ? modeValue : (modeValue as { '.tag'?: unknown })['.tag'];
        if (mode !== 'add' && mode !== 'overwrite') {
          sendText(
            res,
            400,
            `Error in call to API function "${route}": this double serves modes add and overwrite.`,
          );
          return;
        }
        const duration = arg.duration ?? FOUR_HOURS;
        if (
          typeof duration !== 'number' ||
          duration < MIN_UPLOAD_DURATION ||
          duration > FOUR_HOURS
        ) {
          sendText(
            res,
            400,
            `Error in call to API function "${route}": "duration" must be 60 to 14400 seconds.`,
          );
          return;
        }
        const id = randomBytes(16).toString('base64url');
        uploadLinks.set(id, {
          pathDisplay: path,
          mode,
          autorename: info.autorename === true,
          expiresAt: now() + duration * 1000,
          consumed: false,
        });
        sendJson(res, 200, { link: `${contentBaseUrl}/apitul/1/${id}` });
        return;
      }
      case 'files/get_metadata': {
        counts.getMetadata += 1;
        const path = pathArgument(res, arg.path, route);
        if (path === undefined) return;
        const file = files.get(path.toLowerCase());
        if (file) {
          sendJson(res, 200, metadataOf(file));
        } else if (isFolder(path)) {
          sendJson(res, 200, {
            '.tag': 'folder',
            name: path.slice(path.lastIndexOf('/') + 1),
            id: `id:${createHash('sha256').update(path.toLowerCase()).digest('base64url').slice(0, 16)}`,
            path_lower: path.toLowerCase(),
            path_display: path,
          });
        } else {
          sendRpcError(res, 409, ['path', 'not_found']);
        }
        return;
      }
      default:
        sendText(res, 404, `Unknown API function: "${route}"`);
    }
  };

  // ---- Content links -----------------------------------------------------------------------
  const handleDownload = (id: string, res: ServerResponse): void => {
    counts.download += 1;
    const link = readLinks.get(id);
    if (!link) return sendText(res, 404, 'This temporary link does not exist.');
    if (link.expiresAt <= now()) return sendText(res, 410, 'This temporary link has expired.');
    const file = files.get(link.key);
    if (!file) return sendText(res, 404, 'The file behind this link is gone.');
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': file.bytes.length,
    });
    res.end(file.bytes);
  };

  /**
   * Dropbox documents a POST with `Content-Type: application/octet-stream` (or text/plain). PUT is
   * accepted too, with any content type, because the Photoshop API writes every output with a
   * plain PUT to the href it is given; a double that refused PUT would hide that mismatch.
   */
  const handleUpload = async (
    id: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    counts.upload += 1;
    const body = await readBody(req);
    const link = uploadLinks.get(id);
    if (!link) return sendText(res, 409, 'This temporary upload link does not exist.');
    if (link.consumed) return sendText(res, 410, 'This temporary upload link was already used.');
    if (link.expiresAt <= now())
      return sendText(res, 410, 'This temporary upload link has expired.');
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (req.method === 'POST' && type !== 'application/octet-stream' && type !== 'text/plain') {
      return sendText(res, 400, 'Content-Type must be application/octet-stream or text/plain.');
    }
    // One use, whatever happens next: a failed commit needs a fresh link too.
    link.consumed = true;
    let target = link.pathDisplay;
    if (link.mode === 'add' && files.has(target.toLowerCase())) {
      if (!link.autorename)
        return sendText(res, 409, 'Upload failed: a file already exists at this path.');
      const dot = target.lastIndexOf('.');
      const [stem, ext] =
        dot > target.lastIndexOf('/') ? [target.slice(0, dot), target.slice(dot)] : [target, ''];
      let n = 1;
      while (files.has(`${stem} (${n})${ext}`.toLowerCase())) n += 1;
      target = `${stem} (${n})${ext}`;
    }
    store(target, body);
    sendJson(res, 200, { 'content-hash': dropboxContentHash(body) });
  };

  const fail = (res: ServerResponse, err: unknown): void => {
    if (!res.headersSent) sendText(res, 500, `double failed: ${coerceError(err).message}`);
    else res.destroy();
  };

  const api = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const task = (async () => {
      if (req.method === 'POST' && url.pathname === '/oauth2/token') return handleToken(req, res);
      const rpc = /^\/2\/(files\/[a-z_]+)$/.exec(url.pathname);
      if (req.method === 'POST' && rpc?.[1]) return handleRpc(rpc[1], req, res);
      await readBody(req);
      sendText(res, 404, 'Not found');
    })();
    task.catch((err: unknown) => fail(res, err));
  });

  const content = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const task = (async () => {
      const download = /^\/apitl\/1\/([\w-]+)$/.exec(url.pathname);
      if (download?.[1] && (req.method === 'GET' || req.method === 'HEAD')) {
        await readBody(req);
        return handleDownload(download[1], res);
      }
      const upload = /^\/apitul\/1\/([\w-]+)$/.exec(url.pathname);
      if (upload?.[1] && (req.method === 'POST' || req.method === 'PUT')) {
        return handleUpload(upload[1], req, res);
      }
      await readBody(req);
      sendText(
        res,
        download || upload ? 405 : 404,
        download || upload ? 'Method not allowed' : 'Not found',
      );
    })();
    task.catch((err: unknown) => fail(res, err));
  });

  const apiBaseUrl = await listen(api);
  try {
    contentBaseUrl = await listen(content);
  } catch (err) {
    await new Promise<void>((resolve) => api.close(() => resolve()));
    throw err;
  }
  const tokenUrl = `${apiBaseUrl}/oauth2/token`;

  const closeServer = (server: Server): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  let closing: Promise<void> | undefined;

  return {
    apiBaseUrl,
    contentBaseUrl,
    tokenUrl,
    appKey,
    appSecret,
    refreshToken,
    config: { appKey, appSecret, refreshToken, apiBaseUrl, tokenUrl },
    counts: () => ({ ...counts }),
    advanceClock: (seconds) => {
      clockOffsetMs += seconds * 1000;
    },
    putFile: (path, bytes) => {
      store(path, Buffer.from(bytes));
    },
    readFile: (path) => files.get(path.toLowerCase())?.bytes,
    revokeAccessTokens: () => accessTokens.clear(),
    failNextRpcCalls: (count, status, retryAfterSeconds = 1) => {
      faults = { remaining: count, status, retryAfterSeconds };
    },
    close: () =>
      (closing ??= Promise.allSettled([closeServer(api), closeServer(content)]).then(
        () => undefined,
      )),
  };
}
