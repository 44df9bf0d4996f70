import { CallbacksError } from './callbacks-error';

/** Why `verifyWebhook` refused a request. */
export type WebhookVerificationFailure =
  | 'missing-header'
  | 'invalid-timestamp'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'no-matching-signature';

/** A received webhook that is not authentic or not fresh: answer it with 400 or 401. */
export class WebhookVerificationError extends CallbacksError {
  readonly reason: WebhookVerificationFailure;

  constructor(reason: WebhookVerificationFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}
