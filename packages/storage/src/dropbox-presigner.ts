import { closeOnce } from '@darkroom/core';
import { ObjectNotFoundError } from './errors/object-not-found-error';
import { StorageBackendError } from './errors/storage-backend-error';
import { DropboxTokenSource, errorName, parseJson } from './dropbox-token-source';
import { checkTtlPositive, checkWriteSize, listPageSize, MAX_TTL_SECONDS } from './limits';
import type {
  Clock,
  ListPage,
  ListPageOptions,
  ObjectStat,
  PresignedUrl,
  Presigner,
  PresignWriteOptions,
  RemoveResult,
} from './presigner';
import type { DropboxConfig } from './storage-config';
import { formatPrefix, listedRef, type StoragePrefix } from './storage-prefix';
import { formatRef, type DropboxRef } from './storage-ref';

export interface DropboxPresignerOptions {
  /** @defaultValue `() => new Date()` */
  clock?: Clock;
  /** @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch;
  /** Per HTTP request. @defaultValue 30000 */
  timeoutMs?: number;
}

/** Dropbox read links always live four hours; the API takes no duration for them. */
const READ_LINK_SECONDS = 14_400;
/** `get_temporary_upload_link` takes a duration of 60 to 14,400 seconds. */
const MIN_UPLOAD_LINK_SECONDS = 60;

type RpcResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; summary: string; body: Record<string, unknown> | undefined };

/**
 * Turns Dropbox paths into temporary links: `files/get_temporary_link` for reads and
 * `files/get_temporary_upload_link` for writes (one-time use, `overwrite` mode so a retried job
 * rewrites the same file instead of creating `name (1).png`). Unlike S3 and Azure, each presign
 * is an HTTP call.
 *
 * @see https://www.dropbox.com/developers/documentation/http/documentation#files-get_temporary_link
 * @see https://www.dropbox.com/developers/documentation/http/documentation#files-get_temporary_upload_link
 */
export class DropboxPresigner implements Presigner<DropboxRef> {
  private readonly tokens: DropboxTokenSource;
  private readonly clock: Clock;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly apiBaseUrl: string;
  // Every Dropbox call goes through `fetch`, whose connections belong to the caller: the
  // presigner holds nothing of its own to release.
  private readonly release = closeOnce(() => Promise.resolve());

  constructor(config: DropboxConfig, options: DropboxPresignerOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.apiBaseUrl = config.apiBaseUrl.replace(/\/+$/, '');
    this.tokens = new DropboxTokenSource(config, {
      clock: this.clock,
      fetch: this.fetch,
      timeoutMs: this.timeoutMs,
    });
  }

  /**
   * A read link. Dropbox's last four hours whatever is asked; `expiresAt` says so, and a longer
   * `ttlSeconds` is not refused: the caller compares `expiresAt` with what it needs.
   */
  async presignRead(ref: DropboxRef, ttlSeconds: number): Promise<PresignedUrl> {
    checkTtlPositive(ttlSeconds);
    const issuedAt = this.clock().getTime();
    const result = await this.rpc('files/get_temporary_link', { path: ref.path });
    if (!result.ok) {
      if (isNotFound(result.summary)) throw new ObjectNotFoundError(formatRef(ref));
      throw rpcError('files/get_temporary_link', result.summary);
    }
    return {
      href: linkOf(result.body, 'files/get_temporary_link'),
      storage: 'dropbox',
      // Longer than asked for when ttlSeconds < 4 h, shorter when more: Dropbox decides, and we
      // report the truth.
      expiresAt: new Date(issuedAt + READ_LINK_SECONDS * 1000),
    };
  }

  /**
   * A one-time upload link living `ttlSeconds`, held to the 60 s to 4 h Dropbox accepts: a longer
   * TTL is clamped, not refused, and `expiresAt` is when the link really ends.
   */
  async presignWrite(
    ref: DropboxRef,
    ttlSeconds: number,
    opts: PresignWriteOptions = {},
  ): Promise<PresignedUrl> {
    checkTtlPositive(ttlSeconds);
    checkWriteSize('dropbox', opts.size);
    const duration = Math.min(
      Math.max(ttlSeconds, MIN_UPLOAD_LINK_SECONDS),
      MAX_TTL_SECONDS.dropbox,
    );
    const issuedAt = this.clock().getTime();
    const result = await this.rpc('files/get_temporary_upload_link', {
      commit_info: {
        path: ref.path,
        mode: 'overwrite',
        autorename: false,
        mute: true,
        strict_conflict: false,
      },
      duration,
    });
    if (!result.ok) throw rpcError('files/get_temporary_upload_link', result.summary);
    return {
      href: linkOf(result.body, 'files/get_temporary_upload_link'),
      storage: 'dropbox',
      expiresAt: new Date(issuedAt + duration * 1000),
    };
  }

  async stat(ref: DropboxRef): Promise<ObjectStat> {
    const result = await this.rpc('files/get_metadata', { path: ref.path });
    if (!result.ok) {
      if (isNotFound(result.summary)) return { exists: false };
      throw rpcError('files/get_metadata', result.summary);
    }
    // A folder at the path is not an object the Photoshop API could read or overwrite.
    if (result.body['.tag'] !== 'file') return { exists: false };
    const { size, server_modified: modified } = result.body;
    const modifiedAt = typeof modified === 'string' ? Date.parse(modified) : Number.NaN;
    return {
      exists: true,
      ...(typeof size === 'number' ? { size } : {}),
      ...(Number.isFinite(modifiedAt) ? { modifiedAt } : {}),
    };
  }

  /**
   * `files/get_metadata`, then `files/delete_v2` when the path is a file. Dropbox's delete takes
   * folders too, with everything in them, so a reference that names a folder is looked up first
   * and left alone (`existed: false`), as `stat` calls a folder no object. `path/not_found` from
   * either call is `existed: false`.
   */
  async remove(ref: DropboxRef): Promise<RemoveResult> {
    const label = formatRef(ref);
    const lookup = await this.rpc(
      'files/get_metadata',
      { path: ref.path },
      `files/get_metadata of ${label}`,
    );
    if (!lookup.ok) {
      if (isNotFound(lookup.summary)) return { existed: false };
      throw rpcError(`files/get_metadata of ${label}`, lookup.summary);
    }
    if (lookup.body['.tag'] !== 'file') return { existed: false };
    const deleted = await this.rpc(
      'files/delete_v2',
      { path: ref.path },
      `files/delete_v2 of ${label}`,
    );
    if (!deleted.ok) {
      if (deleted.summary.startsWith('path_lookup/not_found')) return { existed: false };
      throw rpcError(`files/delete_v2 of ${label}`, deleted.summary);
    }
    return { existed: true };
  }

  /**
   * `files/list_folder`, recursive, for the first page, `files/list_folder/continue` with the
   * cursor for the others (while `has_more`). Only files are listed, by their `path_display`
   * (Dropbox paths are case-insensitive, so any casing names the same file). A missing folder, or
   * a file where the folder should be, is an empty last page.
   */
  async listPage(
    prefix: StoragePrefix<DropboxRef>,
    options: ListPageOptions = {},
  ): Promise<ListPage> {
    const limit = listPageSize('dropbox', options.pageSize);
    const operation = `files/list_folder under ${formatPrefix(prefix)}`;
    let result: RpcResult;
    if (options.cursor === undefined) {
      // Dropbox names its root "" and refuses "/"; other folders go without their trailing "/".
      const path = prefix.path === '/' ? '' : prefix.path.slice(0, -1);
      const arg = {
        path,
        recursive: true,
        include_deleted: false,
        ...(limit === undefined ? {} : { limit }),
      };
      result = await this.rpc('files/list_folder', arg, operation);
      if (
        !result.ok &&
        (isNotFound(result.summary) || result.summary.startsWith('path/not_folder'))
      ) {
        return { refs: [] };
      }
    } else {
      result = await this.rpc('files/list_folder/continue', { cursor: options.cursor }, operation);
    }
    // `reset/..` from list_folder/continue: the cursor was invalidated; a new listing must start.
    if (!result.ok) throw rpcError(operation, result.summary);
    const refs = filesOf(result.body, operation);
    if (result.body.has_more !== true) return { refs };
    const cursor = result.body.cursor;
    if (typeof cursor !== 'string' || cursor === '') {
      throw new StorageBackendError('dropbox', operation, { code: 'malformed_response' });
    }
    return { refs, cursor };
  }

  /** Resolves once; a second call returns the same promise. */
  close(): Promise<void> {
    return this.release();
  }

  /**
   * One RPC call. A 401 means the token expired or was revoked early: refresh once and retry.
   * A 409 is an endpoint-specific error, returned for the caller to classify. Other failures are
   * thrown, named `operation` (the endpoint, or the endpoint and the reference it was called for).
   */
  private async rpc(
    endpoint: string,
    arg: unknown,
    operation = endpoint,
    retried = false,
  ): Promise<RpcResult> {
    const token = await this.tokens.token();
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(`${this.apiBaseUrl}/2/${endpoint}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(arg),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // A connection reset or timeout can also come while the reply is read.
      text = await response.text();
    } catch (err) {
      // No reply, so nothing the service decided: transient when the network or a timeout failed.
      throw new StorageBackendError('dropbox', operation, { code: errorName(err) }, { cause: err });
    }
    const body = parseJson(text);
    if (response.ok) {
      if (!body) {
        throw new StorageBackendError('dropbox', operation, { code: 'malformed_response' });
      }
      return { ok: true, body };
    }
    const summary = typeof body?.error_summary === 'string' ? body.error_summary : '';
    if (response.status === 401 && !retried) {
      this.tokens.invalidate(token);
      return this.rpc(endpoint, arg, operation, true);
    }
    if (response.status === 409) return { ok: false, summary, body };
    // Other errors are plain text (400) or JSON with an error_summary; a summary names the
    // problem without echoing tokens. Plain text is cut short and kept only as the message.
    const retryAfter = retryAfterOf(response, body);
    throw new StorageBackendError('dropbox', operation, {
      status: response.status,
      ...(summary ? { code: summary } : { message: text.slice(0, 200) }),
      ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
}

/**
 * Seconds to wait, from the `Retry-After` header or, failing that, the `retry_after` Dropbox puts
 * in a `too_many_requests` body.
 */
function retryAfterOf(response: Response, body: Record<string, unknown> | undefined): number {
  const header = Number(response.headers.get('retry-after') ?? Number.NaN);
  if (Number.isFinite(header)) return header;
  const error = body?.error;
  const inBody =
    typeof error === 'object' && error !== null
      ? (error as Record<string, unknown>).retry_after
      : undefined;
  return typeof inBody === 'number' ? inBody : Number.NaN;
}

function isNotFound(summary: string): boolean {
  return summary.startsWith('path/not_found');
}

/**
 * A 409 path error, permanent but for `too_many_write_operations`: Dropbox's answer to writes
 * that contend for the same namespace, which it asks to be retried.
 */
function rpcError(operation: string, summary: string): StorageBackendError {
  return new StorageBackendError('dropbox', operation, {
    status: 409,
    code: summary || 'conflict',
    ...(summary.startsWith('too_many_write_operations') ? { transient: true } : {}),
  });
}

/** The references of the files among a listing page's entries; folders are left out. */
function filesOf(body: Record<string, unknown>, operation: string): string[] {
  const entries = body.entries;
  if (!Array.isArray(entries)) {
    throw new StorageBackendError('dropbox', operation, { code: 'malformed_response' });
  }
  const refs: string[] = [];
  for (const entry of entries as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { '.tag': tag, path_display: path } = entry as Record<string, unknown>;
    if (tag !== 'file' || typeof path !== 'string') continue;
    const ref = listedRef({ scheme: 'dropbox', path });
    if (ref !== undefined) refs.push(ref);
  }
  return refs;
}

function linkOf(body: Record<string, unknown>, endpoint: string): string {
  const link = body.link;
  if (typeof link !== 'string') {
    throw new StorageBackendError('dropbox', endpoint, { code: 'malformed_response' });
  }
  return link;
}
