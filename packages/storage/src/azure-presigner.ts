import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  RestError,
  SASProtocol,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
  type UserDelegationKey,
} from '@azure/storage-blob';
import { closeOnce } from '@darkroom/core';
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
import { isLoopbackUrl, type AzureAccountConfig } from './storage-config';
import { formatPrefix, listedRef, type StoragePrefix } from './storage-prefix';
import { formatRef, type AzureRef } from './storage-ref';

export interface AzurePresignerOptions {
  /** @defaultValue `() => new Date()` */
  clock?: Clock;
  /**
   * The Entra credential for accounts configured with `credential: 'default'`.
   * @defaultValue a `DefaultAzureCredential`, created on first use
   */
  tokenCredential?: TokenCredential;
  /**
   * Passed to the SDK client that `stat` and `getUserDelegationKey` use: proxy, retries,
   * keep-alive, a custom HTTP client. Signing itself is local and ignores it.
   * @defaultValue the SDK's defaults
   */
  pipelineOptions?: StoragePipelineOptions;
}

/**
 * The SAS version we sign. Pinned because the string-to-sign changes between versions: 12.32's
 * default (2026-04-06) adds fields for user-delegation SAS that Azurite 3.35 (the last release on
 * Node 20) does not know, so its signatures would not verify there. Azure accepts this version.
 */
export const AZURE_SAS_VERSION = '2025-11-05';

/** SAS start times are backdated so a service clock a little behind ours still accepts them. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** User-delegation keys are fetched for at least a day and reused for every SAS they cover. */
const DELEGATION_KEY_MIN_MS = 24 * 3600_000;
/** Azure refuses user-delegation keys that live longer than seven days. */
const DELEGATION_KEY_MAX_MS = 7 * 24 * 3600_000;

/**
 * Presigns blob-scoped SAS URLs for one storage account: read-only (`r`) for reads, create+write
 * (`cw`) for writes. Account-key SAS is signed locally; user-delegation SAS needs one
 * `getUserDelegationKey` call per day or so, then is local too.
 */
export class AzurePresigner implements Presigner<AzureRef> {
  private readonly service: BlobServiceClient;
  private readonly sharedKey: StorageSharedKeyCredential | undefined;
  private readonly protocol: SASProtocol;
  private readonly clock: Clock;
  private delegationKey: UserDelegationKey | undefined;
  private pendingKey: Promise<UserDelegationKey> | undefined;
  // The SDK pools sockets per process and has nothing to close; dropping the key is enough.
  private readonly forgetKey = closeOnce(() => {
    this.delegationKey = undefined;
    return Promise.resolve();
  });

  constructor(
    private readonly accountName: string,
    config: AzureAccountConfig,
    options: AzurePresignerOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    const endpoint = config.endpoint ?? `https://${accountName}.blob.core.windows.net`;
    // Azurite on loopback speaks plain HTTP; everywhere else a SAS is refused over HTTP.
    this.protocol = isLoopbackUrl(new URL(endpoint)) ? SASProtocol.HttpsAndHttp : SASProtocol.Https;
    if (config.accountKey !== undefined) {
      this.sharedKey = new StorageSharedKeyCredential(accountName, config.accountKey);
      this.service = new BlobServiceClient(endpoint, this.sharedKey, options.pipelineOptions);
    } else {
      this.sharedKey = undefined;
      this.service = new BlobServiceClient(
        endpoint,
        options.tokenCredential ?? new DefaultAzureCredential(),
        options.pipelineOptions,
      );
    }
  }

  async presignRead(ref: AzureRef, ttlSeconds: number): Promise<PresignedUrl> {
    checkTtl('azure', ttlSeconds);
    return this.sign(ref, ttlSeconds, 'r');
  }

  async presignWrite(
    ref: AzureRef,
    ttlSeconds: number,
    opts: PresignWriteOptions = {},
  ): Promise<PresignedUrl> {
    checkTtl('azure', ttlSeconds);
    checkWriteSize('azure', opts.size);
    return this.sign(ref, ttlSeconds, 'cw');
  }

  async stat(ref: AzureRef): Promise<ObjectStat> {
    const blob = this.service.getContainerClient(ref.container).getBlobClient(ref.blob);
    try {
      const props = await blob.getProperties();
      return {
        exists: true,
        ...(props.contentLength === undefined ? {} : { size: props.contentLength }),
        ...(props.lastModified ? { modifiedAt: props.lastModified.getTime() } : {}),
      };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return { exists: false };
      throw backendError('getProperties', err);
    }
  }

  /**
   * Delete Blob, with its snapshots (a blob that has any cannot be deleted alone). Azure says
   * whether the blob was there: `BlobNotFound` is `existed: false`. A missing container is an
   * error (`ContainerNotFound`), as it is for `upload`: it is a configuration mistake, not a
   * missing object.
   */
  async remove(ref: AzureRef): Promise<RemoveResult> {
    const blob = this.service.getContainerClient(ref.container).getBlobClient(ref.blob);
    try {
      const { succeeded } = await blob.deleteIfExists({ deleteSnapshots: 'include' });
      return { existed: succeeded };
    } catch (err) {
      throw backendError(`delete of ${formatRef(ref)}`, err);
    }
  }

  /** One List Blobs request with `prefix`, flat (so at any depth), from a marker. */
  async listPage(
    prefix: StoragePrefix<AzureRef>,
    options: ListPageOptions = {},
  ): Promise<ListPage> {
    const maxPageSize = listPageSize('azure', options.pageSize);
    const container = this.service.getContainerClient(prefix.container);
    let page;
    try {
      const pages = container
        .listBlobsFlat(prefix.blob === '' ? {} : { prefix: prefix.blob })
        .byPage({
          ...(maxPageSize === undefined ? {} : { maxPageSize }),
          ...(options.cursor === undefined ? {} : { continuationToken: options.cursor }),
        });
      page = await pages.next();
    } catch (err) {
      throw backendError(`list under ${formatPrefix(prefix)}`, err);
    }
    if (page.done === true) return { refs: [] };
    const refs: string[] = [];
    for (const item of page.value.segment.blobItems) {
      const ref = listedRef({
        scheme: 'azure',
        account: prefix.account,
        container: prefix.container,
        blob: item.name,
      });
      if (ref !== undefined) refs.push(ref);
    }
    const cursor = page.value.continuationToken;
    return cursor ? { refs, cursor } : { refs };
  }

  /** Forgets the user-delegation key; a second call returns the same promise. */
  close(): Promise<void> {
    return this.forgetKey();
  }

  private async sign(
    ref: AzureRef,
    ttlSeconds: number,
    permissions: 'r' | 'cw',
  ): Promise<PresignedUrl> {
    const now = this.clock();
    const startsOn = new Date(now.getTime() - CLOCK_SKEW_MS);
    const expiresOn = new Date(now.getTime() + ttlSeconds * 1000);
    const values = {
      containerName: ref.container,
      blobName: ref.blob,
      permissions: BlobSASPermissions.parse(permissions),
      startsOn,
      expiresOn,
      protocol: this.protocol,
      version: AZURE_SAS_VERSION,
    };
    const sas = this.sharedKey
      ? generateBlobSASQueryParameters(values, this.sharedKey)
      : generateBlobSASQueryParameters(
          values,
          await this.userDelegationKey(now, expiresOn),
          this.accountName,
        );
    const url = this.service.getContainerClient(ref.container).getBlobClient(ref.blob).url;
    return { href: `${url}?${sas.toString()}`, storage: 'azure', expiresAt: expiresOn };
  }

  /** A cached key that covers `expiresOn`, or one fresh key shared by all concurrent callers. */
  private async userDelegationKey(now: Date, expiresOn: Date): Promise<UserDelegationKey> {
    const cached = this.delegationKey;
    if (
      cached &&
      cached.signedStartsOn.getTime() <= now.getTime() - CLOCK_SKEW_MS &&
      cached.signedExpiresOn.getTime() >= expiresOn.getTime()
    ) {
      return cached;
    }
    this.pendingKey ??= (async () => {
      const startsOn = new Date(now.getTime() - CLOCK_SKEW_MS);
      const keyExpiresOn = new Date(
        Math.min(
          Math.max(expiresOn.getTime(), now.getTime() + DELEGATION_KEY_MIN_MS),
          now.getTime() + DELEGATION_KEY_MAX_MS - CLOCK_SKEW_MS,
        ),
      );
      try {
        const key = await this.service.getUserDelegationKey(startsOn, keyExpiresOn);
        this.delegationKey = key;
        return key;
      } catch (err) {
        throw backendError('getUserDelegationKey', err);
      } finally {
        this.pendingKey = undefined;
      }
    })();
    const key = await this.pendingKey;
    if (key.signedExpiresOn.getTime() < expiresOn.getTime()) {
      // A concurrent caller fetched a shorter key; fetch one that covers this SAS.
      return this.userDelegationKey(now, expiresOn);
    }
    return key;
  }
}

/**
 * Status and service error code only: RestError messages and requests can carry URLs and headers,
 * so the error is not kept as the cause either. Whether it is transient is decided here, from the
 * status or, for a request that got no reply (`REQUEST_SEND_ERROR`, a timeout), from the error.
 */
function backendError(operation: string, err: unknown): StorageBackendError {
  if (err instanceof RestError) {
    return new StorageBackendError('azure', operation, {
      ...(err.statusCode === undefined ? {} : { status: err.statusCode }),
      ...(err.code === undefined ? {} : { code: err.code }),
      ...(err.statusCode === undefined ? { transient: isTransientFailure(err) } : {}),
    });
  }
  const name = err instanceof Error ? err.name : typeof err;
  return new StorageBackendError('azure', operation, {
    code: name,
    transient: isTransientFailure(err),
  });
}
