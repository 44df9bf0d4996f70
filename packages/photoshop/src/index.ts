export * from './contract/v1-common';
export * from './contract/v1-requests';
export * from './contract/v1-status';
export * from './contract/v2';
export * from './contract/v2-manifest';
export * from './contract/masking';
export * from './contract/errors';
export {
  operations,
  operationIds,
  getOperation,
  isOperationId,
  statusPathFor,
  statusPathTemplates,
  statusLimitClasses,
  durationClasses,
  durationClassIds,
  isDurationClass,
  UnknownOperationError,
} from './catalog';
export type {
  OperationId,
  OperationSpec,
  FilePosition,
  Generation,
  StatusFamily,
  BodyShape,
  DurationClass,
  DurationClassSpec,
  ExpectedDuration,
} from './catalog';
export { PhotoshopError } from './errors/photoshop-error';
export { HttpError } from './errors/http-error';
export type { HttpErrorDetails } from './errors/http-error';
export { RateLimitedError } from './errors/rate-limited-error';
export { TimeoutError } from './errors/timeout-error';
export { NetworkError } from './errors/network-error';
export { SubmitOutcomeUnknownError } from './errors/submit-outcome-unknown-error';
export { ForeignStatusUrlError } from './errors/foreign-status-url-error';
export { TokenUnavailableError } from './errors/token-unavailable-error';
export { RequestValidationError } from './errors/request-validation-error';
export type { ValidationIssue } from './errors/request-validation-error';
export { RemoteJobFailedError } from './errors/remote-job-failed-error';
export type { RemoteJobError } from './errors/remote-job-failed-error';
export { validateRequestBody, assertRequestBody } from './validate-request-body';
export type { BodyValidationResult } from './validate-request-body';
export { formatPath, fromZodIssues } from './validation-issues';
export { referencedBodySchema, jobOutputSchema, fileRefObjectSchema } from './edit-request';
export { storageRefSchema, splitStorageRef, joinStorageRef, storageSchemes } from './storage-ref';
export type {
  StorageRef,
  StorageScheme,
  S3Ref,
  AzureRef,
  DropboxRef,
  StorageRefSyntaxError,
  SplitStorageRefResult,
} from './storage-ref';
export { storageKinds } from './storage-kind';
export type { StorageKind } from './storage-kind';
export { adobeRateLimits, rateLimitClasses } from './rate-limits';
export {
  apiLabelOf,
  retiredFamilies,
  retirementOf,
  retirementNotice,
  legacyApiWarning,
} from './retirement';
export type { Retirement, LegacyPolicy } from './retirement';
export type { RateLimitClass, RateLimitWindow, RateLimitClassLimits } from './rate-limits';
export type {
  ReferencedBody,
  JobOutput,
  ResolveRef,
  ResolveContext,
  ResolvedLocation,
} from './edit-request';
export { buildRequestBody, filePositionOf, MAX_NESTING_DEPTH } from './build-request-body';
export { normalizeStatus, toJobState } from './normalize-status';
export type { NormalizedStatus, NormalizedOutput, JobState } from './normalize-status';
export { parseRetryAfter, DEFAULT_RETRY_AFTER_MS } from './retry-after';
export { classifyError } from './classify-error';
export type { ErrorAction, ErrorClassification } from './classify-error';
export { httpErrorFromReply } from './http-error-from-reply';
export type { TokenProvider } from './token-provider';
export type { RequestEvent } from './request-event';
export { ImsTokenProvider, createImsAuth } from './ims-token-provider';
export type { ImsTokenProviderOptions } from './ims-token-provider';
export { PhotoshopClient } from './photoshop-client';
export type { PhotoshopClientOptions, SubmitResult } from './photoshop-client';
export { accountSchema } from './account-config';
export type { AccountConfig } from './account-config';
export { createAccountClient } from './account-client';
export type { AccountClient, AccountClientOptions } from './account-client';
