export { CallbacksError } from './errors/callbacks-error';
export { CallbackInputError } from './errors/callback-input-error';
export type { CallbackInputIssue } from './errors/callback-input-error';
export { CallbackUrlError, CALLBACK_URL_FIELD } from './errors/callback-url-error';
export { WebhookVerificationError } from './errors/webhook-verification-error';
export type { WebhookVerificationFailure } from './errors/webhook-verification-error';
export { DeliveryNotFoundError } from './errors/delivery-not-found-error';
export { DeliveryStateError } from './errors/delivery-state-error';

export {
  generateSecret,
  parseSecrets,
  MAX_SECRET_BYTES,
  MIN_SECRET_BYTES,
  SECRET_PREFIX,
} from './signatures/webhook-secret';
export { signWebhook } from './signatures/sign-webhook';
export type { SignWebhookInput, WebhookHeaders } from './signatures/sign-webhook';
export { verifyWebhook } from './signatures/verify-webhook';
export type {
  ReceivedHeaders,
  VerifiedWebhook,
  VerifyWebhookInput,
} from './signatures/verify-webhook';

export { addressRange } from './target/address-ranges';
export type { AddressRange } from './target/address-ranges';
export { checkCallbackUrl, parseCallbackUrl, systemResolver } from './target/check-callback-url';
export type {
  CallbackUrlOptions,
  CheckedCallbackUrl,
  ParsedCallbackUrl,
  ResolvedAddress,
  ResolveHost,
} from './target/check-callback-url';

export { CallbackDispatcher } from './delivery/callback-dispatcher';
export type { EnqueueOutcome } from './delivery/callback-dispatcher';
export {
  DEFAULT_CALLBACK_QUEUE,
  DEFAULT_CONCURRENCY,
  DEFAULT_RETENTION_MS,
  DEFAULT_TIMEOUT_MS,
} from './delivery/dispatcher-options';
export type { CallbackDispatcherOptions } from './delivery/dispatcher-options';
export { MAX_DATA_BYTES, validateCallbackRequest } from './delivery/callback-input';
export type { CallbackRequest } from './delivery/callback-input';
export { CALLBACK_TYPES, deliveryIdFor } from './delivery/envelope';
export type { CallbackEnvelope, CallbackType } from './delivery/envelope';
export type { DeliveryState, DeliveryView } from './delivery/delivery-view';
export type { DeadPage } from './delivery/delivery-store';
export type { CallbackObserver, DeliveryEvent } from './delivery/callback-observer';
export { DEFAULT_RETRY_POLICY, retryDelay } from './delivery/retry-policy';
export type { RetryPolicy } from './delivery/retry-policy';
export { MAX_RESPONSE_BYTES } from './delivery/post-callback';
