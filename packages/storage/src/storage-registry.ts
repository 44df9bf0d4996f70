import type { TokenCredential } from '@azure/identity';
import type { StoragePipelineOptions } from '@azure/storage-blob';
import { closeAll, closeOnce } from '@darkroom/core';
import { annotateSpan, SPAN_ATTRIBUTES as ATTR, SPAN_NAMES, withSpan } from '@darkroom/tracing';
import { AzurePresigner } from './azure-presigner';
import { DropboxPresigner } from './dropbox-presigner';
import { StorageConfigError } from './errors/storage-config-error';
import { StorageError } from './errors/storage-error';
import { bodySize, receiveDownload, sendUpload, type UploadBody } from './object-transfer';
import type {
  Clock,
  ListOptions,
  ObjectStat,
  PresignedUrl,
  Presigner,
  PresignWriteOptions,
  RemoveResult,
} from './presigner';
import { S3Presigner } from './s3-presigner';
import {
  storageConfigSchema,
  type ResolvedStorageConfig,
  type StorageConfig,
} from './storage-config';
import { toPrefix, type StoragePrefix } from './storage-prefix';
import { toRef, type StorageRef } from './storage-ref';

export interface StorageRegistryOptions {
  /** Used for every signature and expiry. @defaultValue `() => new Date()` */
  clock?: Clock;
  /**
   * Entra credential for Azure accounts configured with `credential: 'default'`.
   * @defaultValue a `DefaultAzureCredential`
   */
  azureCredential?: TokenCredential;
  /** SDK pipeline options for Azure calls (`stat`, user-delegation keys). @defaultValue SDK defaults */
  azurePipelineOptions?: StoragePipelineOptions;
  /**
   * HTTP client for Dropbox's API and for the bytes `upload` and `download` move.
   * @defaultValue `globalThis.fetch`
   */
  fetch?: typeof fetch;
  /** Per Dropbox HTTP request. @defaultValue 30000 */
  dropboxTimeoutMs?: number;
}

/**
 * Lifetime of the URL behind one `upload` or `download`: the request starts right after presigning,
 * and every provider checks expiry when a request starts, so a few minutes cover slow clocks too.
 */
const TRANSFER_URL_TTL_SECONDS = 300;

/**
 * A `storage.presign` span around one presign: the provider and the access asked for, and the
 * `storage` value Adobe is given. The URL itself is a credential and never becomes an attribute.
 */
function presignSpan(
  ref: StorageRef,
  access: 'read' | 'write',
  ttlSeconds: number,
  presign: () => Promise<PresignedUrl>,
): Promise<PresignedUrl> {
  const attributes = {
    [ATTR.storageScheme]: ref.scheme,
    [ATTR.storageAccess]: access,
    [ATTR.storageTtlSeconds]: ttlSeconds,
  };
  return withSpan(SPAN_NAMES.storagePresign, attributes, async () => {
    const url = await presign();
    annotateSpan({ [ATTR.storageKind]: url.storage });
    return url;
  });
}

/**
 * Routes a storage reference to the presigner for its provider, bucket or account, per config.
 * Presigners (and their HTTP clients) are created on first use and reused.
 */
export class StorageRegistry {
  private readonly config: ResolvedStorageConfig;
  private readonly presigners = new Map<string, Presigner>();
  private closed = false;
  private readonly closePresigners = closeOnce(() => {
    const presigners = [...this.presigners.values()];
    this.presigners.clear();
    return closeAll(
      presigners.map((presigner) => () => presigner.close?.()),
      { concurrent: true },
    );
  });
  private readonly http: typeof fetch;

  /** @throws {StorageConfigError} `invalid_config` naming the first bad path */
  constructor(
    config: StorageConfig,
    private readonly options: StorageRegistryOptions = {},
  ) {
    const parsed = storageConfigSchema.safeParse(config);
    if (!parsed.success) {
      // zod issues name the path and the rule, never the value, so no secret leaks here.
      const [first] = parsed.error.issues;
      const detail = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      throw new StorageConfigError('invalid_config', first?.path.join('.') || '(root)', detail);
    }
    this.config = parsed.data;
    this.http = options.fetch ?? globalThis.fetch;
  }

  presignRead(ref: string | StorageRef, ttlSeconds: number): Promise<PresignedUrl> {
    return this.run(ref, (presigner, parsed) =>
      presignSpan(parsed, 'read', ttlSeconds, () => presigner.presignRead(parsed, ttlSeconds)),
    );
  }

  presignWrite(
    ref: string | StorageRef,
    ttlSeconds: number,
    opts?: PresignWriteOptions,
  ): Promise<PresignedUrl> {
    return this.run(ref, (presigner, parsed) =>
      presignSpan(parsed, 'write', ttlSeconds, () =>
        presigner.presignWrite(parsed, ttlSeconds, opts),
      ),
    );
  }

  stat(ref: string | StorageRef): Promise<ObjectStat> {
    return this.run(ref, (presigner, parsed) =>
      withSpan(SPAN_NAMES.storageStat, { [ATTR.storageScheme]: parsed.scheme }, async () => {
        const stat = await presigner.stat(parsed);
        annotateSpan({ [ATTR.storageExists]: stat.exists, [ATTR.storageSizeBytes]: stat.size });
        return stat;
      }),
    );
  }

  /**
   * Writes `body` to `ref`, replacing any object there: presigns a write URL and sends the bytes
   * the way the provider's upload takes them (`uploadRequestInit`: a PUT for S3, a PUT with
   * `x-ms-blob-type` for Azure, a POST for Dropbox's upload links). For Darkroom's own writes
   * (manifests, samples, probes, test inputs); the Photoshop API writes outputs itself.
   *
   * @param contentType - sent with the bytes and stored with the object on S3 and Azure;
   *   Dropbox keeps no content type
   * @throws {PresignRequestError} `object_too_large` when one single write cannot carry `body`
   * @throws {StorageBackendError} when the storage refuses the write or cannot be reached; the
   *   message names the reference, the status and the service's error code, never the URL
   */
  upload(ref: string | StorageRef, body: UploadBody, contentType?: string): Promise<void> {
    return this.run(ref, (presigner, parsed) => {
      const size = bodySize(body);
      const attributes = { [ATTR.storageScheme]: parsed.scheme, [ATTR.storageSizeBytes]: size };
      return withSpan(SPAN_NAMES.storageUpload, attributes, async () => {
        const url = await presignSpan(parsed, 'write', TRANSFER_URL_TTL_SECONDS, () =>
          presigner.presignWrite(parsed, TRANSFER_URL_TTL_SECONDS, {
            ...(contentType === undefined ? {} : { contentType }),
            size,
          }),
        );
        await sendUpload(this.http, parsed, url, body, contentType);
      });
    });
  }

  /**
   * Reads the whole object at `ref` through a presigned read URL.
   * @throws {ObjectNotFoundError} when there is no object at `ref`
   * @throws {StorageBackendError} when the storage refuses the read (reference and status named)
   */
  download(ref: string | StorageRef): Promise<Buffer> {
    return this.run(ref, (presigner, parsed) =>
      withSpan(SPAN_NAMES.storageDownload, { [ATTR.storageScheme]: parsed.scheme }, async () => {
        const url = await presignSpan(parsed, 'read', TRANSFER_URL_TTL_SECONDS, () =>
          presigner.presignRead(parsed, TRANSFER_URL_TTL_SECONDS),
        );
        const bytes = await receiveDownload(this.http, parsed, url);
        annotateSpan({ [ATTR.storageSizeBytes]: bytes.length });
        return bytes;
      }),
    );
  }

  /**
   * Deletes the object at `ref`. A missing object is no error: `existed` says whether there was
   * one (on S3 from a HEAD before the delete, since S3's delete does not say; on Azure from the
   * delete itself; on Dropbox from a lookup, which also keeps a folder's reference from deleting
   * the folder). A folder is no object and is left alone.
   * @throws {StorageBackendError} when the storage refuses or cannot be reached; the message
   *   names the reference, the status and the service's code, never a URL
   */
  remove(ref: string | StorageRef): Promise<RemoveResult> {
    return this.run(ref, (presigner, parsed) =>
      withSpan(SPAN_NAMES.storageRemove, { [ATTR.storageScheme]: parsed.scheme }, async () => {
        const result = await presigner.remove(parsed);
        annotateSpan({ [ATTR.storageExists]: result.existed });
        return result;
      }),
    );
  }

  /**
   * The references of every object below a folder, at any depth: `s3://scratch/runs/42/` (a
   * folder written without its `/` is the same folder), `s3://scratch/` for a whole bucket,
   * `azure://acct/container/`, `dropbox:/`. Pages are fetched as the caller iterates, one
   * `storage.list` span each; stopping early sends no more requests. A folder with nothing in it,
   * or none at all, yields nothing; objects whose names no reference can hold are left out.
   * @throws {StorageRefError} (on the first `next()`) when `prefix` is no folder's reference
   * @throws {StorageBackendError} when the storage refuses or cannot be reached, naming the folder
   */
  async *list(prefix: string | StoragePrefix, options: ListOptions = {}): AsyncGenerator<string> {
    const parsed = toPrefix(prefix);
    const presigner = this.route(parsed);
    let cursor: string | undefined;
    do {
      const after = cursor;
      const page = await withSpan(
        SPAN_NAMES.storageList,
        { [ATTR.storageScheme]: parsed.scheme },
        async () => {
          const listed = await presigner.listPage(parsed, {
            ...options,
            ...(after === undefined ? {} : { cursor: after }),
          });
          annotateSpan({ [ATTR.storageObjectCount]: listed.refs.length });
          return listed;
        },
      );
      yield* page.refs;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  /**
   * The presigner that serves `ref`.
   * @throws {StorageConfigError} when no config covers the bucket, account or provider
   */
  presignerFor(ref: string | StorageRef): Presigner {
    return this.route(toRef(ref));
  }

  /**
   * Closes every presigner it created, all at once; each is closed even when another fails.
   * Rejects with the failure, or a `CloseError` holding every one when several fail. Work asked
   * for afterwards is refused; a second call returns the same promise.
   */
  close(): Promise<void> {
    this.closed = true;
    return this.closePresigners();
  }

  private async run<T>(
    ref: string | StorageRef,
    action: (presigner: Presigner, parsed: StorageRef) => Promise<T>,
  ): Promise<T> {
    const parsed = toRef(ref);
    return action(this.route(parsed), parsed);
  }

  private route(parsed: StorageRef): Presigner {
    if (this.closed) throw new StorageError('storage registry is closed');
    const cacheKey = this.routeKey(parsed);
    let presigner = this.presigners.get(cacheKey);
    if (!presigner) {
      presigner = this.create(parsed);
      this.presigners.set(cacheKey, presigner);
    }
    return presigner;
  }

  private routeKey(ref: StorageRef): string {
    switch (ref.scheme) {
      case 's3': {
        const s3 = this.config.s3;
        if (!s3) throw new StorageConfigError('s3_not_configured', 's3', 'no S3 config at all');
        if (s3.buckets && Object.hasOwn(s3.buckets, ref.bucket)) return `s3:bucket:${ref.bucket}`;
        if (s3.default) return 's3:default';
        throw new StorageConfigError(
          'unknown_bucket',
          `s3.buckets.${ref.bucket}`,
          `bucket ${ref.bucket} is not configured and there is no s3.default`,
        );
      }
      case 'azure': {
        const azure = this.config.azure;
        if (!azure) {
          throw new StorageConfigError('azure_not_configured', 'azure', 'no Azure config at all');
        }
        if (Object.hasOwn(azure.accounts, ref.account)) return `azure:${ref.account}`;
        throw new StorageConfigError(
          'unknown_account',
          `azure.accounts.${ref.account}`,
          `storage account ${ref.account} is not configured`,
        );
      }
      case 'dropbox':
        if (!this.config.dropbox) {
          throw new StorageConfigError('dropbox_not_configured', 'dropbox', 'no Dropbox config');
        }
        return 'dropbox';
    }
  }

  /** Called after routeKey, so the config entry is known to exist. */
  private create(ref: StorageRef): Presigner {
    const { clock } = this.options;
    const clockOption = clock ? { clock } : {};
    switch (ref.scheme) {
      case 's3': {
        const s3 = this.config.s3;
        const target =
          s3?.buckets && Object.hasOwn(s3.buckets, ref.bucket)
            ? s3.buckets[ref.bucket]
            : s3?.default;
        if (!target)
          throw new StorageConfigError('unknown_bucket', `s3.buckets.${ref.bucket}`, 'gone');
        return new S3Presigner(target, clockOption);
      }
      case 'azure': {
        const account = this.config.azure?.accounts[ref.account];
        if (!account) {
          throw new StorageConfigError('unknown_account', `azure.accounts.${ref.account}`, 'gone');
        }
        return new AzurePresigner(ref.account, account, {
          ...clockOption,
          ...(this.options.azureCredential
            ? { tokenCredential: this.options.azureCredential }
            : {}),
          ...(this.options.azurePipelineOptions
            ? { pipelineOptions: this.options.azurePipelineOptions }
            : {}),
        });
      }
      case 'dropbox': {
        const dropbox = this.config.dropbox;
        if (!dropbox) throw new StorageConfigError('dropbox_not_configured', 'dropbox', 'gone');
        return new DropboxPresigner(dropbox, {
          ...clockOption,
          ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
          ...(this.options.dropboxTimeoutMs === undefined
            ? {}
            : { timeoutMs: this.options.dropboxTimeoutMs }),
        });
      }
    }
  }
}
