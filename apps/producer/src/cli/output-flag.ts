import { UsageError } from './usage-error';

/**
 * `--output s3://bucket/key.jpg:image/jpeg[:width]`: a reference (which itself holds colons),
 * then the MIME type, then an optional width in pixels.
 */
export function parseOutputFlag(value: string): { ref: string; type: string; width?: number } {
  const match = /^(.+?):([a-z]+\/[A-Za-z0-9.+-]+)(?::(\d+))?$/.exec(value);
  if (!match?.[1] || !match[2]) {
    throw new UsageError(
      `--output ${JSON.stringify(value)} must be <ref>:<type>[:<width>], e.g. s3://bucket/out.jpg:image/jpeg:1024`,
    );
  }
  return { ref: match[1], type: match[2], ...(match[3] ? { width: Number(match[3]) } : {}) };
}
