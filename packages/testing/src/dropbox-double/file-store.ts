import { randomBytes } from 'node:crypto';
import type { DoubleClock } from './clock';

/** A file in the double's Dropbox, with the identity and revision Dropbox would give it. */
export interface StoredFile {
  pathDisplay: string;
  bytes: Buffer;
  /** Kept across overwrites, as Dropbox keeps a file's id. */
  id: string;
  rev: string;
  modified: number;
}

/** The double's files. Paths are case-insensitive, as Dropbox's are, but keep their spelling. */
export interface FileStore {
  get(path: string): StoredFile | undefined;
  has(path: string): boolean;
  /** Writes `bytes` at `pathDisplay`, replacing any file there and giving a new revision. */
  put(pathDisplay: string, bytes: Buffer): StoredFile;
  /** Whether `path` names a folder, i.e. some file lies below it. */
  isFolder(path: string): boolean;
  /** Removes the file at `path`; false when there was none. */
  delete(path: string): boolean;
  /** Every file below `folder` (`''` for the root), at any depth, in path order. */
  under(folder: string): StoredFile[];
}

/** An empty store whose modification times come from the double's clock. */
export function createFileStore(clock: DoubleClock): FileStore {
  const files = new Map<string, StoredFile>(); // lower-cased path → file
  let revision = 0;
  return {
    get: (path) => files.get(path.toLowerCase()),
    has: (path) => files.has(path.toLowerCase()),
    put: (pathDisplay, bytes) => {
      const key = pathDisplay.toLowerCase();
      const file: StoredFile = {
        pathDisplay,
        bytes,
        id: files.get(key)?.id ?? `id:${randomBytes(12).toString('base64url')}`,
        rev: (++revision).toString(16).padStart(9, '0'),
        modified: clock.now(),
      };
      files.set(key, file);
      return file;
    },
    isFolder: (path) => {
      const prefix = `${path.toLowerCase().replace(/\/+$/, '')}/`;
      return [...files.keys()].some((key) => key.startsWith(prefix));
    },
    delete: (path) => files.delete(path.toLowerCase()),
    under: (folder) => {
      const prefix = `${folder.toLowerCase().replace(/\/+$/, '')}/`;
      return [...files.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, file]) => file);
    },
  };
}
