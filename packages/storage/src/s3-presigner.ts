import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { StorageBackendError } from './errors/storage-backend-error';
import { checkTtl, checkWriteSize } from './limits';
import type { Clock, ObjectStat, PresignedUrl, Presigner, PresignWriteOptions } from './presigner';
import type { S3TargetConfig } from './storage-config';
import type { S3Ref } from './storage-ref';

export interface S3PresignerOptions {
  /** @defaultValue `() => new Date()` */
  clock?: Clock;
}

/** The fields an AWS SDK v3 service error carries that are safe to report. */
interface AwsErrorShape {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

function awsError(err: unknown): AwsErrorShape {
  return typeof err === 'object' && err !== null ? err : {};
}

/**
 * Presigns SigV4 query-string URLs for one S3-compatible endpoint. Signing is local; only `stat`
 * talks to the service.
 */
export class S3Presigner implements Presigner<S3Ref> {
  private readonly client: S3Client;
  private readonly clock: Clock;
  private closing: Promise<void> | undefined;

  constructor(target: S3TargetConfig, options: S3PresignerOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    const config: S3ClientConfig = {
      region: target.region,
      forcePathStyle: target.forcePathStyle,
      // Without these the SDK signs a CRC32 of an empty body into presigned PUT URLs, and every
      // real upload through them fails its checksum (s3rver stores aws-chunked framing instead).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (target.endpoint !== undefined) config.endpoint = target.endpoint;
    if (target.credentials !== undefined) config.credentials = { ...target.credentials };
    this.client = new S3Client(config);
  }

  async presignRead(ref: S3Ref, ttlSeconds: number): Promise<PresignedUrl> {
    checkTtl('s3', ttlSeconds);
    return this.sign(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }), ttlSeconds);
  }

  async presignWrite(
    ref: S3Ref,
    ttlSeconds: number,
    opts: PresignWriteOptions = {},
  ): Promise<PresignedUrl> {
    checkTtl('s3', ttlSeconds);
    checkWriteSize('s3', opts.size);
    const command = new PutObjectCommand({
      Bucket: ref.bucket,
      Key: ref.key,
      ...(opts.contentType === undefined ? {} : { ContentType: opts.contentType }),
    });
    // The SDK signs only `host` unless told otherwise; naming content-type binds it in.
    return this.sign(
      command,
      ttlSeconds,
      opts.contentType === undefined ? undefined : new Set(['content-type']),
    );
  }

  async stat(ref: S3Ref): Promise<ObjectStat> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }),
      );
      return head.ContentLength === undefined
        ? { exists: true }
        : { exists: true, size: head.ContentLength };
    } catch (err) {
      const { name, $metadata } = awsError(err);
      const status = $metadata?.httpStatusCode;
      if (status === 404 || name === 'NotFound' || name === 'NoSuchKey') return { exists: false };
      throw new StorageBackendError('s3', 'HeadObject', {
        ...(status === undefined ? {} : { status }),
        ...(name === undefined ? {} : { code: name }),
      });
    }
  }

  close(): Promise<void> {
    this.closing ??= Promise.resolve().then(() => this.client.destroy());
    return this.closing;
  }

  private async sign(
    command: GetObjectCommand | PutObjectCommand,
    ttlSeconds: number,
    signableHeaders?: Set<string>,
  ): Promise<PresignedUrl> {
    const signingDate = this.clock();
    try {
      const href = await getSignedUrl(this.client, command, {
        expiresIn: ttlSeconds,
        signingDate,
        ...(signableHeaders ? { signableHeaders } : {}),
      });
      return {
        href,
        storage: 'external',
        expiresAt: new Date(signingDate.getTime() + ttlSeconds * 1000),
      };
    } catch (err) {
      // Usually missing credentials in the default chain; its messages hold no secret.
      const { name } = awsError(err);
      throw new StorageBackendError(
        's3',
        'presign',
        { ...(name === undefined ? {} : { code: name }) },
        { cause: err },
      );
    }
  }
}
