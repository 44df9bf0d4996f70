import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dropboxContentHash } from './content-hash';
import type { DoubleState, UploadLink } from './double-state';
import type { FileStore } from './file-store';
import { readBody, sendJson, sendText, serveSafely } from './http-replies';

/**
 * The content host, standing in for `content.dropboxapi.com`: serves the read links
 * (`/apitl/1/<id>`) and upload links (`/apitul/1/<id>`) the RPC host hands out.
 */
export function createContentServer(state: DoubleState): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    serveSafely(res, async () => {
      const download = /^\/apitl\/1\/([\w-]+)$/.exec(url.pathname);
      if (download?.[1] && (req.method === 'GET' || req.method === 'HEAD')) {
        await readBody(req);
        return handleDownload(state, download[1], res);
      }
      const upload = /^\/apitul\/1\/([\w-]+)$/.exec(url.pathname);
      if (upload?.[1] && (req.method === 'POST' || req.method === 'PUT')) {
        return handleUpload(state, upload[1], req, res);
      }
      await readBody(req);
      sendText(
        res,
        download || upload ? 405 : 404,
        download || upload ? 'Method not allowed' : 'Not found',
      );
    });
  });
}

/** A read link: the file's bytes until the link expires. */
function handleDownload(state: DoubleState, id: string, res: ServerResponse): void {
  state.counts.download += 1;
  const link = state.readLinks.get(id);
  if (!link) return sendText(res, 404, 'This temporary link does not exist.');
  if (link.expiresAt <= state.clock.now()) {
    return sendText(res, 410, 'This temporary link has expired.');
  }
  const file = state.files.get(link.key);
  if (!file) return sendText(res, 404, 'The file behind this link is gone.');
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': file.bytes.length,
  });
  res.end(file.bytes);
}

/**
 * An upload link: stores the body once. Dropbox documents a POST with `Content-Type:
 * application/octet-stream` (or text/plain). PUT is accepted too, with any content type, because
 * the Photoshop API writes every output with a plain PUT to the href it is given; a double that
 * refused PUT would hide that mismatch.
 */
async function handleUpload(
  state: DoubleState,
  id: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  state.counts.upload += 1;
  const body = await readBody(req);
  const link = state.uploadLinks.get(id);
  if (!link) return sendText(res, 409, 'This temporary upload link does not exist.');
  if (link.consumed) return sendText(res, 410, 'This temporary upload link was already used.');
  if (link.expiresAt <= state.clock.now()) {
    return sendText(res, 410, 'This temporary upload link has expired.');
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (req.method === 'POST' && type !== 'application/octet-stream' && type !== 'text/plain') {
    return sendText(res, 400, 'Content-Type must be application/octet-stream or text/plain.');
  }
  // One use, whatever happens next: a failed commit needs a fresh link too.
  link.consumed = true;
  const target = uploadTarget(state.files, link);
  if (target === undefined) {
    return sendText(res, 409, 'Upload failed: a file already exists at this path.');
  }
  state.files.put(target, body);
  sendJson(res, 200, { 'content-hash': dropboxContentHash(body) });
}

/**
 * Where an upload lands. `overwrite` and a free path keep the link's path; `add` onto an existing
 * file is a conflict (undefined) unless the link autorenames, which picks `name (n).ext` as
 * Dropbox does.
 */
function uploadTarget(files: FileStore, link: UploadLink): string | undefined {
  const path = link.pathDisplay;
  if (link.mode !== 'add' || !files.has(path)) return path;
  if (!link.autorename) return undefined;
  const dot = path.lastIndexOf('.');
  const [stem, ext] =
    dot > path.lastIndexOf('/') ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
  let n = 1;
  while (files.has(`${stem} (${n})${ext}`)) n += 1;
  return `${stem} (${n})${ext}`;
}
