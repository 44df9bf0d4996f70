/**
 * A loopback stand-in for the slice of the Dropbox API Darkroom uses, with Dropbox's request and
 * reply shapes: the OAuth refresh-token grant, `files/get_temporary_link`,
 * `files/get_temporary_upload_link`, `files/get_metadata`, `files/delete_v2`, `files/list_folder`
 * and `files/list_folder/continue`, and the content links they hand out.
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
   * Fails the next `count` RPC calls (any `files/…` route). A status answers in Dropbox's shape:
   * 429 is `too_many_requests` with `Retry-After` and `retry_after` in the body, anything else a
   * plain-text server error. `reset` drops the connection without a reply; `stall` never answers
   * (the caller's timeout ends the call, or `close()` does).
   */
  failNextRpcCalls(count: number, fault: DropboxDoubleFault, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

/** How {@link DropboxDouble.failNextRpcCalls} fails a call: an HTTP status, or no reply at all. */
export type DropboxDoubleFault = 429 | 500 | 503 | 'reset' | 'stall';

/** Requests a {@link DropboxDouble} has served, by endpoint. */
export interface DropboxDoubleCounts {
  token: number;
  getTemporaryLink: number;
  getTemporaryUploadLink: number;
  getMetadata: number;
  /** `files/delete_v2` calls. */
  delete: number;
  listFolder: number;
  listFolderContinue: number;
  download: number;
  upload: number;
  /** RPC calls refused with 401. */
  unauthorized: number;
}

/** Lifetimes a test may shorten to see expiry without moving the clock. */
export interface DropboxDoubleOptions {
  /** Lifetime of issued access tokens (Dropbox's short-lived tokens last four hours). @defaultValue 14400 */
  accessTokenTtlSeconds?: number;
  /** Lifetime of read links; Dropbox's is fixed at four hours. @defaultValue 14400 */
  readLinkTtlSeconds?: number;
}
