export { startDropboxDouble } from './start-dropbox-double';
export { dropboxContentHash } from './content-hash';
export type {
  DropboxDouble,
  DropboxDoubleCounts,
  DropboxDoubleFault,
  DropboxDoubleOptions,
} from './types';
