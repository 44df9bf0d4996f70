import { randomBytes } from 'node:crypto';

interface HostedFile {
  bytes: Buffer;
  contentType: string;
  expiresAt: number;
}

/**
 * Files the emulator itself serves, standing in for Adobe-hosted outputs (v2 `validityPeriod`
 * destinations, auto-crop images). Each sits behind an unguessable token, like a presigned URL,
 * and expires after its validity period.
 */
export class HostedFiles {
  private readonly files = new Map<string, HostedFile>();

  put(bytes: Buffer, contentType: string, ttlMs: number): string {
    const token = randomBytes(18).toString('base64url');
    this.files.set(token, { bytes, contentType, expiresAt: Date.now() + ttlMs });
    return `/hosted/${token}`;
  }

  /** The file, `expired` once its validity has passed, or undefined for an unknown token. */
  get(token: string): HostedFile | 'expired' | undefined {
    const file = this.files.get(token);
    if (!file) return undefined;
    if (file.expiresAt <= Date.now()) return 'expired';
    return file;
  }

  /** Forgets files that expired more than `graceMs` ago (a late GET still learns they expired). */
  sweep(graceMs: number): void {
    const cutoff = Date.now() - graceMs;
    for (const [token, file] of this.files) if (file.expiresAt < cutoff) this.files.delete(token);
  }
}
