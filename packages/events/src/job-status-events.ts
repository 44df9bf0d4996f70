import { z } from 'zod';
import { JOB_STATUS_EVENT_CODE } from './adobe-io-events';
import { EventPayloadError } from './errors';

/** One `photoshop-job-status` event, as Darkroom hands it over. */
export interface ImagingJobEvent {
  /** Adobe's id of this event; a redelivery carries the same id. */
  eventId: string;
  recipientClientId?: string;
  imsOrgId?: string;
  eventCode: string;
  jobId: string;
  /** The job's status document as Adobe sent it in `event.body`. */
  body: Record<string, unknown>;
  /** `event.body._links.self.href`, the job's status URL, when present. */
  statusHref?: string;
}

/** An event of another code in the same delivery: acknowledged, not handed over. */
export interface OtherEvent {
  eventId: string;
  recipientClientId?: string;
  eventCode: string;
}

export interface EventDelivery {
  jobEvents: ImagingJobEvent[];
  otherEvents: OtherEvent[];
}

const nonEmpty = z.string().min(1);

const headerSchema = z.looseObject({
  eventCode: nonEmpty.optional(),
  imsOrgId: nonEmpty.optional(),
  _adobeio: z
    .looseObject({ eventCode: nonEmpty.optional(), imsOrgId: nonEmpty.optional() })
    .optional(),
});

const payloadSchema = z.looseObject({
  event_id: nonEmpty,
  recipient_client_id: nonEmpty.optional(),
  event: z.looseObject({ header: headerSchema, body: z.looseObject({}) }),
});

const jobBodySchema = z.looseObject({
  jobId: nonEmpty,
  _links: z.looseObject({ self: z.looseObject({ href: nonEmpty }).optional() }).optional(),
});

/**
 * A delivery body (one payload, or an array of them in a batch) split into the job-status events
 * and the events of any other code, which are acknowledged but not handed over. Throws
 * {@link EventPayloadError} naming the first field that is wrong, `[i].`-prefixed in a batch.
 */
export function parseEventDelivery(json: unknown): EventDelivery {
  const payloads = Array.isArray(json) ? json : [json];
  const delivery: EventDelivery = { jobEvents: [], otherEvents: [] };
  payloads.forEach((payload, index) => {
    const prefix = Array.isArray(json) ? `[${index}]` : '';
    const parsed = parseEventPayload(payload, prefix);
    if ('jobId' in parsed) delivery.jobEvents.push(parsed);
    else delivery.otherEvents.push(parsed);
  });
  return delivery;
}

/** The job-status events of a delivery; events of other codes are left out. */
export function parseJobStatusEvents(json: unknown): ImagingJobEvent[] {
  return parseEventDelivery(json).jobEvents;
}

/**
 * One payload: a job-status event, or the id and code of an event of another code. `prefix` is
 * put before field names in errors.
 */
export function parseEventPayload(payload: unknown, prefix = ''): ImagingJobEvent | OtherEvent {
  const envelope = check(payloadSchema, payload, prefix);
  const { header } = envelope.event;
  const eventCode = header.eventCode ?? header._adobeio?.eventCode;
  if (eventCode === undefined) {
    throw new EventPayloadError(join(prefix, 'event.header.eventCode'), 'required');
  }
  if (eventCode !== JOB_STATUS_EVENT_CODE) {
    const other: OtherEvent = { eventId: envelope.event_id, eventCode };
    if (envelope.recipient_client_id !== undefined) {
      other.recipientClientId = envelope.recipient_client_id;
    }
    return other;
  }
  const body = check(jobBodySchema, envelope.event.body, join(prefix, 'event.body'));
  const event: ImagingJobEvent = {
    eventId: envelope.event_id,
    eventCode,
    jobId: body.jobId,
    body: envelope.event.body,
  };
  const imsOrgId = header.imsOrgId ?? header._adobeio?.imsOrgId;
  if (imsOrgId !== undefined) event.imsOrgId = imsOrgId;
  if (envelope.recipient_client_id !== undefined) {
    event.recipientClientId = envelope.recipient_client_id;
  }
  const href = body._links?.self?.href;
  if (href !== undefined) event.statusHref = href;
  return event;
}

function check<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  // The input is reported only to tell "missing" from "wrong type"; it never reaches the message.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part)));
  const field = join(prefix, (path ?? []).join('.').replace(/\.\[/g, '['));
  throw new EventPayloadError(field || '(root)', ruleOf(issue));
}

function ruleOf(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? 'required' : `expected ${issue.expected}`;
  }
  if (issue.code === 'too_small') return 'must not be empty';
  return issue.code;
}

function join(prefix: string, field: string): string {
  if (prefix === '') return field;
  if (field === '') return prefix;
  return `${prefix}.${field}`;
}
