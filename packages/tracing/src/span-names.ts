/** The names of the spans Darkroom's packages start; the README's table lists the same. */
export const SPAN_NAMES = Object.freeze({
  adobeSubmit: 'adobe.submit',
  adobeStatus: 'adobe.status',
  adobeHello: 'adobe.hello',
  imsToken: 'ims.token',
  storagePresign: 'storage.presign',
  storageStat: 'storage.stat',
  storageUpload: 'storage.upload',
  storageDownload: 'storage.download',
  /** `StorageRegistry.remove`: the provider's delete, and the lookup before it on S3 and Dropbox. */
  storageRemove: 'storage.remove',
  /** One page of `StorageRegistry.list`: one listing request to the provider, with its retries. */
  storageList: 'storage.list',
  callbackDeliver: 'callback.deliver',
});

/**
 * Attribute keys of those spans: OpenTelemetry's HTTP and server conventions where they fit,
 * `darkroom.*` for the rest. Values never hold a URL's query, a token, a key or a secret.
 */
export const SPAN_ATTRIBUTES = Object.freeze({
  httpMethod: 'http.request.method',
  httpStatusCode: 'http.response.status_code',
  httpResendCount: 'http.request.resend_count',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  urlFull: 'url.full',
  errorType: 'error.type',
  operation: 'darkroom.operation',
  apiGeneration: 'darkroom.adobe.generation',
  adobeJobId: 'darkroom.adobe.job_id',
  adobeJobState: 'darkroom.adobe.job_state',
  storageScheme: 'darkroom.storage.scheme',
  storageKind: 'darkroom.storage.kind',
  storageAccess: 'darkroom.storage.access',
  storageTtlSeconds: 'darkroom.storage.ttl_seconds',
  storageExists: 'darkroom.storage.exists',
  storageSizeBytes: 'darkroom.storage.size_bytes',
  /** On `storage.list`: how many references the page held. */
  storageObjectCount: 'darkroom.storage.object_count',
  callbackType: 'darkroom.callback.type',
  callbackAttempt: 'darkroom.callback.attempt',
  callbackState: 'darkroom.callback.state',
});
