import { type OperationSpec } from '@darkroom/photoshop';
import { type ImageDocument } from '../image/document';
import { type Manifest } from '../image/manifest';
import { type Raster } from '../image/raster';
import { type OutputTarget } from './job-files';

/** What an operation's work can do: read inputs once, write outputs once. */
export interface WorkContext {
  op: OperationSpec;
  body: Record<string, unknown>;
  outputs: OutputTarget[];
  /** The main input's href, if the operation has one. */
  mainInput: string | undefined;
  /** One GET per href per job; later calls reuse the bytes. */
  download(href: string, path: string): Promise<Buffer>;
  /** Decoded pixels of an input (a PSD's composite, through ag-psd). */
  loadImage(href: string, path: string): Promise<Raster>;
  /** An input as an editable document (a flat image becomes a one-layer document). */
  loadDocument(href: string, path: string): Promise<ImageDocument>;
  /** Writes one output: an upload to its href, its content kept for the status (v2 embedded), or a file the emulator hosts. */
  write(output: OutputTarget, bytes: Buffer, contentType: string): Promise<void>;
  /** Serves bytes from the emulator for `ttlMs`; returns the absolute URL. */
  host(bytes: Buffer, contentType: string, ttlMs: number): string;
}

/** What a finished job reports beyond the files it wrote. */
export interface JobResult {
  manifest?: Manifest;
  /** v2 auto-crop result (`subject`, `objects`, `crops`). */
  autoCrop?: Record<string, unknown>;
}
