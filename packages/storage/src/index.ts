export { CONTROL_CHARACTER } from './name-rules';
export { AWS_SDK_NODE_WARNING_SWITCH, quietAwsSdkNodeWarning } from './aws-sdk-warning';
export { StorageError, isTransientStorageError } from './errors/storage-error';
export type { StorageErrorOptions } from './errors/storage-error';
export { StorageRefError } from './errors/storage-ref-error';
export type { StorageRefRule, StorageRefField } from './errors/storage-ref-error';
export { StorageConfigError } from './errors/storage-config-error';
export type { StorageConfigRule } from './errors/storage-config-error';
export { PresignRequestError } from './errors/presign-request-error';
export type { PresignRequestRule } from './errors/presign-request-error';
export { StorageBackendError } from './errors/storage-backend-error';
export type { StorageBackendDetail } from './errors/storage-backend-error';
export { ObjectNotFoundError } from './errors/object-not-found-error';
export { PrefixRefusedError } from './errors/prefix-refused-error';
export type { PrefixRefusedRule } from './errors/prefix-refused-error';

export {
  parseRef,
  formatRef,
  toRef,
  presignableRefSchema,
  S3_MAX_KEY_BYTES,
  AZURE_MAX_BLOB_CHARS,
  AZURE_MAX_BLOB_SEGMENTS,
} from './storage-ref';
export type { StorageRef, StorageScheme, S3Ref, AzureRef, DropboxRef } from './storage-ref';
export { parsePrefix, formatPrefix, toPrefix, isRootPrefix } from './storage-prefix';
export type { StoragePrefix } from './storage-prefix';

export type {
  Presigner,
  PresignedUrl,
  ObjectStat,
  PresignWriteOptions,
  StorageKind,
  Clock,
  RemoveResult,
  ListOptions,
  ListPageOptions,
  ListPage,
} from './presigner';
export { SINGLE_PUT_MAX_BYTES, MAX_TTL_SECONDS, LIST_PAGE_MAX } from './limits';

export {
  storageConfigSchema,
  s3TargetSchema,
  azureAccountSchema,
  dropboxConfigSchema,
} from './storage-config';
export type {
  StorageConfig,
  ResolvedStorageConfig,
  S3TargetConfig,
  AzureAccountConfig,
  DropboxConfig,
} from './storage-config';

export { S3Presigner } from './s3-presigner';
export type { S3PresignerOptions } from './s3-presigner';
export { AzurePresigner, AZURE_SAS_VERSION } from './azure-presigner';
export type { AzurePresignerOptions } from './azure-presigner';
export { DropboxPresigner } from './dropbox-presigner';
export type { DropboxPresignerOptions } from './dropbox-presigner';
export { DropboxTokenSource } from './dropbox-token-source';
export type { DropboxTokenSourceOptions } from './dropbox-token-source';

export { StorageRegistry } from './storage-registry';
export type { StorageRegistryOptions } from './storage-registry';
export { removeUnder } from './remove-under';
export type { RemovableStorage, RemoveUnderOptions } from './remove-under';
export type { UploadBody } from './object-transfer';
export { uploadRequestInit } from './upload-request';
export type { UploadRequestInit } from './upload-request';
