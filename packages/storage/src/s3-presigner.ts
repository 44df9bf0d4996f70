import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { buildQueryString, extendedEncodeURIComponent, HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpResponse } from '@smithy/types';
import { closeAll, closeOnce } from '@darkroom/core';
import { StorageBackendError } from './errors/storage-backend-error';
import { checkTtl, checkWriteSize } from './limits';
import type { Clock, ObjectStat, PresignedUrl, Presigner, PresignWriteOptions } from './presigner';
import type { S3TargetConfig } from './storage-config';
import type { S3Ref } from './storage-ref';

export interface S3PresignerOptions {
  /** @defaultValue `() => new Date()` */
  clock?: Clock;
}

/** Where one bucket's objects live and how requests to them are signed. */
interface BucketEndpoint {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** `host` header value: hostname, plus the port when the URL names one. */
  host: string;
  /** Path before the key: empty for virtual-hosted buckets, `/<bucket>` for path-style. */
  basePath: string;
  signer: SignatureV4;
}

/** The fields an AWS SDK v3 error carries that are safe to report. */
interface AwsErrorShape {
  name?: string;
}

function awsError(err: unknown): AwsErrorShape {
  return typeof err === 'object' && err !== null ? err : {};
}

/** S3 signs presigned requests with an unsigned payload (AWS SigV4 query-string auth). */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/**
 * As the SDK's presigner: the content type is signed only when the caller binds it in. Shared by
 * every call; the signer only reads them.
 */
const NEVER_SIGNED = new Set(['content-type']);
const SIGN_CONTENT_TYPE = new Set(['content-type']);
/** A HEAD URL is used at once, by this process; it need not live longer than the call. */
const STAT_URL_TTL_SECONDS = 60;
const STAT_TIMEOUT_MS = 30_000;
/** Attempts of one `stat`, as the AWS SDK's standard retry mode makes. */
const STAT_ATTEMPTS = 3;
/** The AWS SDK's backoff: full jitter over 100 ms × 2^attempt, capped at 20 s. */
const statBackoffMs = (attempt: number): number =>
  Math.random() * Math.min(20_000, 100 * 2 ** attempt);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** S3 answers HEAD without a body, so the status is all there is to name the error. */
const HEAD_ERROR_CODES: Record<number, string> = {
  301: 'PermanentRedirect',
  307: 'TemporaryRedirect',
  400: 'BadRequest',
  403: 'Forbidden',
  405: 'MethodNotAllowed',
  412: 'PreconditionFailed',
  429: 'SlowDown',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

function retryable(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

/**
 * Presigns SigV4 query-string URLs for one S3-compatible endpoint, and stats objects through a
 * presigned HEAD.
 *
 * The AWS SDK's client is kept for what it is good at: the credential chain (environment, shared
 * config, web identity, instance metadata, with refresh), the region and S3's endpoint rules
 * (virtual-hosted or path-style, FIPS, dual-stack, accelerate), resolved once per bucket and
 * cached. Signing is `@smithy/signature-v4`, the signer the SDK's own presigner wraps, called
 * directly; going through `getSignedUrl` and `send` instead builds and runs the SDK's whole
 * middleware stack for every URL, which was the largest single CPU cost of a worker. Tests hold
 * the URLs this class produces to be byte-for-byte those of `getSignedUrl`.
 */
export class S3Presigner implements Presigner<S3Ref> {
  private readonly client: S3Client;
  private readonly clock: Clock;
  private readonly endpoints = new Map<string, Promise<BucketEndpoint>>();
  private readonly signers = new Map<string, SignatureV4>();
  private readonly destroyClient = closeOnce(() => closeAll([() => this.client.destroy()]));

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
    const signingDate = this.clock();
    const request = await this.presign(ref, 'GET', ttlSeconds, signingDate);
    return this.presigned(request, signingDate, ttlSeconds);
  }

  async presignWrite(
    ref: S3Ref,
    ttlSeconds: number,
    opts: PresignWriteOptions = {},
  ): Promise<PresignedUrl> {
    checkTtl('s3', ttlSeconds);
    checkWriteSize('s3', opts.size);
    const signingDate = this.clock();
    const request = await this.presign(ref, 'PUT', ttlSeconds, signingDate, opts.contentType);
    return this.presigned(request, signingDate, ttlSeconds);
  }

  /** A URL for HeadObject, the request `stat` sends. */
  async presignHead(ref: S3Ref, ttlSeconds: number): Promise<PresignedUrl> {
    checkTtl('s3', ttlSeconds);
    const signingDate = this.clock();
    const request = await this.presign(ref, 'HEAD', ttlSeconds, signingDate);
    return this.presigned(request, signingDate, ttlSeconds);
  }

  async stat(ref: S3Ref): Promise<ObjectStat> {
    let status: number | undefined;
    let networkCode: string | undefined;
    for (let attempt = 0; ; attempt += 1) {
      let response: HttpResponse | undefined;
      try {
        const request = await this.presign(ref, 'HEAD', STAT_URL_TTL_SECONDS, this.clock());
        const handled = (await this.client.config.requestHandler.handle(request, {
          requestTimeout: STAT_TIMEOUT_MS,
        })) as { response: HttpResponse };
        response = handled.response;
      } catch (err) {
        if (err instanceof StorageBackendError) throw err;
        // Connection refused, reset or timed out: no status to report, retried as the SDK does.
        // Only the system code is kept: the error itself may quote the request.
        response = undefined;
        const code = (err as { code?: unknown } | null)?.code;
        networkCode = typeof code === 'string' ? code : (awsError(err).name ?? 'unknown');
      }
      // A HEAD reply has no body, but the socket goes back to the pool only once it is read.
      (response?.body as { resume?: () => void } | undefined)?.resume?.();
      status = response?.statusCode;
      if (status !== undefined && status >= 200 && status < 300) {
        const length = Number(response?.headers['content-length']);
        return Number.isFinite(length) ? { exists: true, size: length } : { exists: true };
      }
      if (status === 404) return { exists: false };
      if (!retryable(status) || attempt + 1 >= STAT_ATTEMPTS) break;
      await sleep(statBackoffMs(attempt));
    }
    const code = status === undefined ? 'NetworkError' : HEAD_ERROR_CODES[status];
    throw new StorageBackendError('s3', 'HeadObject', {
      ...(status === undefined ? {} : { status }),
      ...(code === undefined ? {} : { code }),
      ...(status === undefined && networkCode !== undefined ? { message: networkCode } : {}),
    });
  }

  /** Releases the SDK client's sockets; a second call returns the same promise. */
  close(): Promise<void> {
    return this.destroyClient();
  }

  private presigned(request: HttpRequest, signingDate: Date, ttlSeconds: number): PresignedUrl {
    const port = request.port === undefined ? '' : `:${request.port}`;
    return {
      href: `${request.protocol}//${request.hostname}${port}${request.path}?${buildQueryString(request.query)}`,
      storage: 'external',
      expiresAt: new Date(signingDate.getTime() + ttlSeconds * 1000),
    };
  }

  /**
   * The request the SDK would build for GetObject, PutObject or HeadObject (path from S3's
   * greedy `{Key+}` label, `x-id` for the first two), presigned as its presigner does.
   */
  private async presign(
    ref: S3Ref,
    method: 'GET' | 'PUT' | 'HEAD',
    ttlSeconds: number,
    signingDate: Date,
    contentType?: string,
  ): Promise<HttpRequest> {
    const endpoint = await this.endpoint(ref.bucket);
    const headers: Record<string, string> = {
      host: endpoint.host,
      'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD,
    };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const xId = method === 'GET' ? 'GetObject' : method === 'PUT' ? 'PutObject' : undefined;
    const request = new HttpRequest({
      method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
      path: `${endpoint.basePath}/${ref.key.split('/').map(extendedEncodeURIComponent).join('/')}`,
      query: xId === undefined ? {} : { 'x-id': xId },
      headers,
    });
    try {
      return (await endpoint.signer.presign(request, {
        signingDate,
        expiresIn: ttlSeconds,
        unsignableHeaders: NEVER_SIGNED,
        ...(contentType === undefined ? {} : { signableHeaders: SIGN_CONTENT_TYPE }),
      })) as HttpRequest;
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

  private endpoint(bucket: string): Promise<BucketEndpoint> {
    let endpoint = this.endpoints.get(bucket);
    if (endpoint === undefined) {
      endpoint = this.resolveEndpoint(bucket);
      // A failed resolution (no region configured, say) is not cached: the next call tries again.
      endpoint.catch(() => this.endpoints.delete(bucket));
      this.endpoints.set(bucket, endpoint);
    }
    return endpoint;
  }

  /** S3's endpoint rules for this bucket; the key is no input to them (the SDK caches likewise). */
  private async resolveEndpoint(bucket: string): Promise<BucketEndpoint> {
    const config = this.client.config;
    let resolved;
    try {
      resolved = await getEndpointFromInstructions({ Bucket: bucket }, GetObjectCommand, config);
    } catch (err) {
      const { name } = awsError(err);
      throw new StorageBackendError(
        's3',
        'presign',
        { code: name ?? 'EndpointError', message: 'could not resolve the bucket endpoint' },
        { cause: err },
      );
    }
    const scheme = resolved.properties?.authSchemes?.[0] as
      { name?: string; signingName?: string; signingRegion?: string } | undefined;
    if (scheme !== undefined && scheme.name !== 'sigv4') {
      // Multi-region access points (SigV4a) and S3 Express directory buckets sign differently.
      throw new StorageBackendError('s3', 'presign', {
        code: 'UnsupportedAuthScheme',
        message: `bucket needs ${String(scheme.name)} signing, which Darkroom does not presign`,
      });
    }
    const region = scheme?.signingRegion ?? (await config.region());
    const service = scheme?.signingName ?? 's3';
    const url = resolved.url;
    const port = url.port === '' ? undefined : Number(url.port);
    return {
      protocol: url.protocol,
      hostname: url.hostname,
      port,
      host: port === undefined ? url.hostname : `${url.hostname}:${port}`,
      basePath: url.pathname.replace(/\/$/, ''),
      signer: this.signer(region, service),
    };
  }

  private signer(region: string, service: string): SignatureV4 {
    const key = `${region}/${service}`;
    let signer = this.signers.get(key);
    if (signer === undefined) {
      signer = new SignatureV4({
        credentials: this.client.config.credentials,
        region,
        service,
        sha256: this.client.config.sha256,
        // S3 paths are signed as sent, not encoded a second time.
        uriEscapePath: false,
        applyChecksum: false,
      });
      this.signers.set(key, signer);
    }
    return signer;
  }
}
