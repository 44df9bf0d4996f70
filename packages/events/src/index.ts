export { ADOBE_KEY_ORIGIN, JOB_STATUS_EVENT_CODE, SIGNATURE_HEADERS } from './adobe-io-events';
export {
  EventPayloadError,
  EventsError,
  HttpError,
  KeyPathError,
  KeyUnavailableError,
} from './errors';
export type { KeyPathRule } from './errors';
export { assertKeyPath, keyPathViolation } from './keys/key-path';
export { PublicKeyStore } from './keys/public-key-store';
export type { PublicKeyStoreOptions } from './keys/public-key-store';
export { verifyEventSignatures } from './verify-event-signatures';
export type { DeliveryHeaders, SignatureCheck, SignatureFailure } from './verify-event-signatures';
export { parseEventDelivery, parseEventPayload, parseJobStatusEvents } from './job-status-events';
export type { EventDelivery, ImagingJobEvent, OtherEvent } from './job-status-events';
export { createEventsReceiver } from './receiver/events-receiver';
export type { EventsReceiverOptions, Rejection, RejectionReason } from './receiver/events-receiver';
export { JournalReader } from './journal/journal-reader';
export type { JournalRead, JournalReaderOptions } from './journal/journal-reader';
