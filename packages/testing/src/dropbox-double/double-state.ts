import { randomBytes } from 'node:crypto';
import { createDoubleClock, type DoubleClock } from './clock';
import { createFileStore, type FileStore } from './file-store';
import type { DropboxDoubleCounts, DropboxDoubleFault, DropboxDoubleOptions } from './types';

/** Dropbox's short-lived access tokens and read links both last four hours. */
export const FOUR_HOURS = 14_400;

/** A read link from `files/get_temporary_link`: any number of GETs until it expires. */
export interface ReadLink {
  /** Lower-cased path of the file it reads. */
  key: string;
  expiresAt: number;
}

/** An upload link from `files/get_temporary_upload_link`: one upload, then it is spent. */
export interface UploadLink {
  pathDisplay: string;
  mode: 'add' | 'overwrite';
  autorename: boolean;
  expiresAt: number;
  consumed: boolean;
}

/**
 * Where a `files/list_folder` listing stands, behind the cursor `list_folder/continue` is given:
 * the entries taken when the listing started, and how many were already sent.
 */
export interface ListCursor {
  entries: Record<string, unknown>[];
  sent: number;
  limit: number;
}

/** Failures a test asked for: the next `remaining` RPC calls fail with `fault`. */
export interface FaultPlan {
  remaining: number;
  fault: DropboxDoubleFault;
  retryAfterSeconds: number;
}

/** Everything one double knows, shared by its two servers and the test-facing handle. */
export interface DoubleState {
  readonly appKey: string;
  readonly appSecret: string;
  readonly refreshToken: string;
  readonly accessTokenTtlSeconds: number;
  readonly readLinkTtlSeconds: number;
  readonly clock: DoubleClock;
  readonly files: FileStore;
  /** Access token → when it expires. */
  readonly accessTokens: Map<string, number>;
  /** Link id → read link. */
  readonly readLinks: Map<string, ReadLink>;
  /** Link id → upload link. */
  readonly uploadLinks: Map<string, UploadLink>;
  /** Cursor → the listing it continues. */
  readonly listCursors: Map<string, ListCursor>;
  readonly counts: DropboxDoubleCounts;
  faults: FaultPlan;
  /** Set once the content server listens; links handed out before that would be unusable. */
  contentBaseUrl: string;
}

/** A random secret with a recognisable prefix, shaped like Dropbox's. */
export function randomSecret(prefix: string): string {
  return `${prefix}${randomBytes(18).toString('base64url')}`;
}

/** A random id for a temporary link. */
export function randomLinkId(): string {
  return randomBytes(16).toString('base64url');
}

/** Fresh state: new app credentials, no files, no tokens, no links, no faults. */
export function createDoubleState(options: DropboxDoubleOptions): DoubleState {
  const clock = createDoubleClock();
  return {
    appKey: randomSecret('key-'),
    appSecret: randomSecret('secret-'),
    refreshToken: randomSecret('refresh-'),
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? FOUR_HOURS,
    readLinkTtlSeconds: options.readLinkTtlSeconds ?? FOUR_HOURS,
    clock,
    files: createFileStore(clock),
    accessTokens: new Map(),
    readLinks: new Map(),
    uploadLinks: new Map(),
    listCursors: new Map(),
    counts: {
      token: 0,
      getTemporaryLink: 0,
      getTemporaryUploadLink: 0,
      getMetadata: 0,
      delete: 0,
      listFolder: 0,
      listFolderContinue: 0,
      download: 0,
      upload: 0,
      unauthorized: 0,
    },
    faults: { remaining: 0, fault: 500, retryAfterSeconds: 1 },
    contentBaseUrl: '',
  };
}
