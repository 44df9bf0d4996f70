export { EventsError } from './events-error';
export { EventPayloadError } from './event-payload-error';
export { HttpError } from './http-error';
export { KeyPathError } from './key-path-error';
export type { KeyPathRule } from './key-path-error';
export { KeyUnavailableError } from './key-unavailable-error';
