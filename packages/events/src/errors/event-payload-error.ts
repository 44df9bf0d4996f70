import { EventsError } from './events-error';

/**
 * An event payload did not have the expected shape. `field` is the path of the offending field
 * (`[2].event.body.jobId` in a batch) and `rule` what it broke; no value from the payload is
 * repeated.
 */
export class EventPayloadError extends EventsError {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`event payload field "${field}": ${rule}`);
  }
}
