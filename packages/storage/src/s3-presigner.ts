import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { buildQueryString, extendedEncodeURIComponent, HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  HttpResponse,
} from '@smithy/types';
import { closeAll, closeOnce } from '@darkroom/core';
import { StorageBackendError } from './errors/storage-backend-error';
import { isTransientFailure } from './errors/transient';
import { checkTtl, checkWriteSize, listPageSize } from './limits';
import type {
  Clock,
  ListPage,
  ListPageOptions,
  ObjectStat,
  PresignedUrl,
  Presigner,
  PresignWriteOptions,
  RemoveResult,
} from './presigner';
import type { S3TargetConfig } from './storage-config';
import { formatPrefix, listedRef, type StoragePrefix } from './storage-prefix';
import { formatRef, type S3Ref } from './storage-ref';

export interface S3PresignerOptions {
  /** @defaultValue `() => new Date()` */
  clock?: Clock;
  /**
   * Where credentials come from, in place of the config's static keys and the AWS default chain:
   * any AWS SDK credential provider (`fromWebIdentity`, `fromSSO`, a function of one's own).
   * Called with `{ forceRefresh: true }` when its session would end before a URL should.
   * @defaultValue the config's `credentials`, else the AWS default chain
   */
  credentials?: AwsCredentialIdentityProvider;
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
  signingRegion: string;
  signingService: string;
}

/** A presigned request, and when the credentials it was signed with stop being accepted. */
interface SignedRequest {
  request: HttpRequest;
  /** Epoch ms; undefined for long-term keys, which do not expire. */
  sessionEndsAt: number | undefined;
}

/** The fields an AWS SDK v3 error carries that are safe to report. */
interface AwsErrorShape {
  name?: string;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown; attempts?: unknown };
}

function awsError(err: unknown): AwsErrorShape {
  return typeof err === 'object' && err !== null ? err : {};
}

/** S3 signs presigned requests with an unsigned payload (AWS SigV4 query-string auth). */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/**
 * The content type is never signed, so a URL's signed headers are `host` alone. The Photoshop API
 * does not say which Content-Type its PUT sends, and Adobe's storage samples sign none
 * (getting-started/storage-solutions, sample-code/storage-app/aws-s3/presignedURLs.js): a signed
 * type it did not send would be a 403 on every output. The SDK's presigner leaves it unsigned
 * too. Shared by every call; the signer only reads it.
 */
const NEVER_SIGNED = new Set(['content-type']);
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
 *
 * A URL signed with a temporary session (web identity, instance role, SSO) stops working when the
 * session ends, whatever `X-Amz-Expires` says; `expiresAt` is therefore the earlier of the two,
 * and a session that would end first is refreshed once before signing.
 */
export class S3Presigner implements Presigner<S3Ref> {
  private readonly client: S3Client;
  private readonly clock: Clock;
  private readonly endpoints = new Map<string, Promise<BucketEndpoint>>();
  /** Per signing region and service: the signer for the credentials last signed with. */
  private readonly signers = new Map<
    string,
    { credentials: AwsCredentialIdentity; signer: SignatureV4 }
  >();
  /** The session a forced refresh last gave, so one that is still short is not refreshed again. */
  private refreshedSession: AwsCredentialIdentity | undefined;
  private refreshingSession: Promise<AwsCredentialIdentity> | undefined;
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
    if (options.credentials !== undefined) config.credentials = options.credentials;
    this.client = new S3Client(config);
  }

  async presignRead(ref: S3Ref, ttlSeconds: number): Promise<PresignedUrl> {
    checkTtl('s3', ttlSeconds);
    return this.presignUrl(ref, 'GET', ttlSeconds);
  }

  /**
   * A PUT URL whose only signed header is `host`: any Content-Type, or none, may be sent through
   * it, and S3 stores the one sent. `opts.contentType` is therefore not bound into the URL.
   */
  async presignWrite(
    ref: S3Ref,
    ttlSeconds: number,
    opts: PresignWriteOptions = {},
  ): Promise<PresignedUrl> {
    checkTtl('s3', ttlSeconds);
    checkWriteSize('s3', opts.size);
    return this.presignUrl(ref, 'PUT', ttlSeconds);
  }

  /** A URL for HeadObject, the request `stat` sends. */
  async presignHead(ref: S3Ref, ttlSeconds: number): Promise<PresignedUrl> {
    checkTtl('s3', ttlSeconds);
    return this.presignUrl(ref, 'HEAD', ttlSeconds);
  }

  async stat(ref: S3Ref): Promise<ObjectStat> {
    return this.head(ref, 'HeadObject');
  }

  /**
   * HeadObject, then DeleteObject when the HEAD found an object. S3 answers DeleteObject with 204
   * whether or not the key was there, so `existed` is what the HEAD said; a key the HEAD did not
   * find is not deleted, as if the removal came before any write racing with it. The HEAD is the
   * one `stat` sends (local signing, retried as the SDK retries); without `s3:ListBucket` S3
   * answers it for a missing key with 403, so the credentials need `s3:ListBucket` besides
   * `s3:GetObject` and `s3:DeleteObject`.
   */
  async remove(ref: S3Ref): Promise<RemoveResult> {
    const label = formatRef(ref);
    const { exists } = await this.head(ref, `HeadObject of ${label}`);
    if (!exists) return { existed: false };
    await this.call(`DeleteObject of ${label}`, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.key })),
    );
    return { existed: true };
  }

  /**
   * One ListObjectsV2 request under the folder, from a continuation token. Sent through the SDK
   * client (its middleware, XML parsing and standard retries): listings are rare next to
   * presigns, so the stack's cost does not matter here.
   */
  async listPage(prefix: StoragePrefix<S3Ref>, options: ListPageOptions = {}): Promise<ListPage> {
    const maxKeys = listPageSize('s3', options.pageSize);
    const operation = `ListObjectsV2 under ${formatPrefix(prefix)}`;
    const command = new ListObjectsV2Command({
      Bucket: prefix.bucket,
      ...(prefix.key === '' ? {} : { Prefix: prefix.key }),
      ...(maxKeys === undefined ? {} : { MaxKeys: maxKeys }),
      ...(options.cursor === undefined ? {} : { ContinuationToken: options.cursor }),
    });
    const page = await this.call(operation, () => this.client.send(command));
    const refs: string[] = [];
    for (const object of page.Contents ?? []) {
      const ref =
        object.Key === undefined
          ? undefined
          : listedRef({ scheme: 's3', bucket: prefix.bucket, key: object.Key });
      if (ref !== undefined) refs.push(ref);
    }
    if (page.IsTruncated !== true) return { refs };
    if (!page.NextContinuationToken) {
      throw new StorageBackendError('s3', operation, {
        code: 'malformed_response',
        message: 'a truncated listing came without a continuation token',
      });
    }
    return { refs, cursor: page.NextContinuationToken };
  }

  /** A presigned HEAD of `ref`, retried as the SDK retries; failures are named `operation`. */
  private async head(ref: S3Ref, operation: string): Promise<ObjectStat> {
    let status: number | undefined;
    let networkCode: string | undefined;
    let networkTransient = false;
    for (let attempt = 0; ; attempt += 1) {
      let response: HttpResponse | undefined;
      try {
        const { request } = await this.presign(ref, 'HEAD', STAT_URL_TTL_SECONDS, this.clock());
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
        networkTransient = isTransientFailure(err);
      }
      // A HEAD reply has no body, but the socket goes back to the pool only once it is read.
      (response?.body as { resume?: () => void } | undefined)?.resume?.();
      status = response?.statusCode;
      if (status !== undefined && status >= 200 && status < 300) {
        const length = Number(response?.headers['content-length']);
        const modifiedAt = Date.parse(response?.headers['last-modified'] ?? '');
        return {
          exists: true,
          ...(Number.isFinite(length) ? { size: length } : {}),
          ...(Number.isFinite(modifiedAt) ? { modifiedAt } : {}),
        };
      }
      if (status === 404) return { exists: false };
      if (!retryable(status) || attempt + 1 >= STAT_ATTEMPTS) break;
      await sleep(statBackoffMs(attempt));
    }
    const code = status === undefined ? 'NetworkError' : HEAD_ERROR_CODES[status];
    throw new StorageBackendError('s3', operation, {
      ...(status === undefined ? {} : { status }),
      ...(code === undefined ? {} : { code }),
      ...(status === undefined && networkCode !== undefined ? { message: networkCode } : {}),
      ...(status === undefined ? { transient: networkTransient } : {}),
    });
  }

  /**
   * Runs one SDK call. A service error keeps its status and S3's code (`NoSuchBucket`); a call
   * that got no reply keeps its system code (`ECONNREFUSED`) and is transient when the network
   * failed. The SDK's error is not kept as the cause: only fields safe to report are.
   */
  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (err instanceof StorageBackendError) throw err;
      const { name, code, $metadata } = awsError(err);
      const status = $metadata?.httpStatusCode;
      if (typeof status === 'number') {
        throw new StorageBackendError('s3', operation, {
          status,
          ...(name === undefined ? {} : { code: name }),
        });
      }
      // No reply. The SDK has already retried what its strategy calls transient, so more than
      // one attempt says so too (its wrapper can hide the system code of the first error).
      const attempts = Number($metadata?.attempts ?? 1);
      throw new StorageBackendError('s3', operation, {
        code: typeof code === 'string' ? code : (name ?? 'unknown'),
        transient: isTransientFailure(err) || attempts > 1,
      });
    }
  }

  /** Releases the SDK client's sockets; a second call returns the same promise. */
  close(): Promise<void> {
    return this.destroyClient();
  }

  /** The URL, expiring when S3 stops accepting it: at `X-Amz-Expires`, or when its session ends. */
  private async presignUrl(
    ref: S3Ref,
    method: 'GET' | 'PUT' | 'HEAD',
    ttlSeconds: number,
  ): Promise<PresignedUrl> {
    const signingDate = this.clock();
    const { request, sessionEndsAt } = await this.presign(ref, method, ttlSeconds, signingDate);
    const port = request.port === undefined ? '' : `:${request.port}`;
    const urlEndsAt = signingDate.getTime() + ttlSeconds * 1000;
    return {
      href: `${request.protocol}//${request.hostname}${port}${request.path}?${buildQueryString(request.query)}`,
      storage: 'external',
      expiresAt: new Date(Math.min(urlEndsAt, sessionEndsAt ?? urlEndsAt)),
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
  ): Promise<SignedRequest> {
    const endpoint = await this.endpoint(ref.bucket);
    const headers = { host: endpoint.host, 'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD };
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
      const credentials = await this.session(signingDate.getTime() + ttlSeconds * 1000);
      const signed = await this.signer(endpoint, credentials).presign(request, {
        signingDate,
        expiresIn: ttlSeconds,
        unsignableHeaders: NEVER_SIGNED,
      });
      return { request: signed as HttpRequest, sessionEndsAt: credentials.expiration?.getTime() };
    } catch (err) {
      // Usually missing credentials in the default chain (permanent), or a credential service
      // that timed out or could not be reached (transient, told from the cause); the provider's
      // messages hold no secret.
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
      signingRegion: region,
      signingService: service,
    };
  }

  /**
   * Credentials for a URL that must work until `until` (epoch ms). A temporary session that ends
   * sooner is refreshed once, forced through the provider (concurrent callers share the refresh),
   * and the fresher session is used. A session that a forced refresh gave is not refreshed again:
   * where the provider's sessions are shorter than the URL, `expiresAt` says so instead.
   */
  private async session(until: number): Promise<AwsCredentialIdentity> {
    const provider = this.client.config.credentials;
    const current = await provider();
    const endsAt = current.expiration?.getTime();
    if (endsAt === undefined || endsAt >= until || current === this.refreshedSession) {
      return current;
    }
    this.refreshingSession ??= provider({ forceRefresh: true }).finally(() => {
      this.refreshingSession = undefined;
    });
    const fresh = await this.refreshingSession;
    this.refreshedSession = fresh;
    return fresh;
  }

  /** A signer bound to exactly these credentials, so `expiresAt` is that of the session used. */
  private signer(endpoint: BucketEndpoint, credentials: AwsCredentialIdentity): SignatureV4 {
    const key = `${endpoint.signingRegion}/${endpoint.signingService}`;
    const cached = this.signers.get(key);
    if (cached?.credentials === credentials) return cached.signer;
    const signer = new SignatureV4({
      credentials,
      region: endpoint.signingRegion,
      service: endpoint.signingService,
      sha256: this.client.config.sha256,
      // S3 paths are signed as sent, not encoded a second time.
      uriEscapePath: false,
      applyChecksum: false,
    });
    this.signers.set(key, { credentials, signer });
    return signer;
  }
}
