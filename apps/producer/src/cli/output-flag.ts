import { getOperation, isOperationId } from '@darkroom/photoshop';
import { UsageError } from './usage-error';

/** The API generation of an operation id, for the shape of its outputs; v2 for unknown ids. */
export function generationOf(operation: string | undefined): 'v1' | 'v2' {
  return operation && isOperationId(operation) ? getOperation(operation).generation : 'v2';
}

/** An output as `--output` gives it: v2 names the MIME type `mediaType`, v1 `type`. */
export type OutputFromFlag =
  | { ref: string; mediaType: string; width?: number }
  | { ref: string; type: string; width?: number };

/**
 * `--output s3://bucket/key.jpg:image/jpeg[:width]`: a reference (which itself holds colons),
 * then the MIME type, then an optional width in pixels, in the output shape of `generation`.
 */
export function parseOutputFlag(value: string, generation: 'v1' | 'v2' = 'v2'): OutputFromFlag {
  const match = /^(.+?):([a-z]+\/[A-Za-z0-9.+-]+)(?::(\d+))?$/.exec(value);
  if (!match?.[1] || !match[2]) {
    throw new UsageError(
      `--output ${JSON.stringify(value)} must be <ref>:<type>[:<width>], e.g. s3://bucket/out.jpg:image/jpeg:1024`,
    );
  }
  const width = match[3] ? { width: Number(match[3]) } : {};
  return generation === 'v1'
    ? { ref: match[1], type: match[2], ...width }
    : { ref: match[1], mediaType: match[2], ...width };
}
