import { z } from 'zod';

const rate = z.number().min(0).max(1);
const serverErrorStatus = z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]);

const requestFaultsSchema = z.strictObject({
  /** Share of requests answered with a 5xx from `errorStatuses`. */
  errorRate: rate.optional(),
  /** @defaultValue [500, 502, 503, 504] */
  errorStatuses: z.array(serverErrorStatus).min(1).optional(),
  /** Share of requests whose socket is destroyed without a reply. */
  dropRate: rate.optional(),
  /** Added latency in ms (not scaled by timeFactor: it simulates the network, not the job). */
  latencyMs: z.number().int().min(0).optional(),
  /** Share of requests that get `latencyMs`. @defaultValue 1 when latencyMs is set */
  latencyRate: rate.optional(),
});

/**
 * Submits also get the faults that strike after Adobe accepted the job: the job exists and runs,
 * but the client cannot tell, which is what "exactly one remote job per edit" must survive.
 */
const submitFaultsSchema = requestFaultsSchema.extend({
  /** Share of submits that are accepted but whose reply is lost (socket destroyed). */
  dropAfterAcceptRate: rate.optional(),
  /**
   * Share of submits that are accepted but answered with a gateway 5xx from
   * `errorAfterAcceptStatuses`, as when Adobe's gateway gives up on a service that went on.
   */
  errorAfterAcceptRate: rate.optional(),
  /** @defaultValue [502, 504] */
  errorAfterAcceptStatuses: z.array(serverErrorStatus).min(1).optional(),
  /**
   * The 202 of an accepted submit is held this long (not scaled by timeFactor) while the job
   * already runs: a client whose timeout is shorter never sees it.
   */
  acceptLatencyMs: z.number().int().min(0).optional(),
  /** Share of accepted submits held for `acceptLatencyMs`. @defaultValue 1 when it is set */
  acceptLatencyRate: rate.optional(),
});

const throttleSchema = z.strictObject({
  /** Answer the next N requests (of `scope`) with 429. */
  nextRequests: z.number().int().min(0).optional(),
  /** Answer every request (of `scope`) with 429 for this many ms from when the faults were set. */
  forMs: z.number().int().min(0).optional(),
  /** Retry-After sent with these 429s, in ms. @defaultValue 1000 */
  retryAfterMs: z.number().int().min(0).optional(),
  /** @defaultValue 'all' */
  scope: z.enum(['submit', 'status', 'all']).optional(),
});

/**
 * The Content-Type header of an output upload (PUT to a presigned URL, Azure's Put Blob):
 * `output-type` is the output's `type` / `mediaType` as the request spelled it; `none` sends no
 * Content-Type; `application/octet-stream` sends that. Adobe does not document what it sends,
 * so a presigned URL should not depend on it. Dropbox uploads always send
 * `application/octet-stream`, as Dropbox documents.
 */
export const uploadContentTypes = ['output-type', 'none', 'application/octet-stream'] as const;
export type UploadContentType = (typeof uploadContentTypes)[number];

const storageFaultsSchema = z.strictObject({
  /**
   * Presigned URLs of a job count as expired from this many ms after the job was accepted (not
   * scaled by timeFactor): a later input download or output upload fails as storage's 403
   * would make it fail, and the job ends `failed`.
   */
  urlExpiresAfterMs: z.number().int().min(0).optional(),
  /** Share of accepted jobs whose URLs expire so. @defaultValue 1 when urlExpiresAfterMs is set */
  urlExpiryRate: rate.optional(),
  /** @defaultValue 'output-type' */
  uploadContentType: z.enum(uploadContentTypes).optional(),
});

/**
 * Faults on Adobe I/O Events, drawn once per event (the signature fault once per delivery
 * attempt) from a stream of their own, so they do not shift the request faults.
 */
const eventFaultsSchema = z.strictObject({
  /** Share of events never delivered to a webhook (the journal still has them). */
  dropRate: rate.optional(),
  /** Share of events left out of the journal. */
  journalDropRate: rate.optional(),
  /** Share of events delivered twice (same `event_id`). */
  duplicateRate: rate.optional(),
  /** Held this long before the first delivery attempt (not scaled by timeFactor). */
  delayMs: z.number().int().min(0).optional(),
  /** Share of events held for `delayMs`. @defaultValue 1 when delayMs is set */
  delayRate: rate.optional(),
  /** Share of events held back and delivered once the next event's delivery has ended. */
  reorderRate: rate.optional(),
  /** Share of delivery attempts whose two signatures are both wrong. */
  badSignatureRate: rate.optional(),
});

export const faultConfigSchema = z.strictObject({
  /** Seed for this fault set; falls back to the emulator's seed. */
  seed: z.number().int().optional(),
  submit: submitFaultsSchema.optional(),
  status: requestFaultsSchema.optional(),
  throttle: throttleSchema.optional(),
  /** Share of accepted jobs that end `failed` with an internal error. */
  jobFailureRate: rate.optional(),
  /** Share of output uploads that fail (the job ends `failed` with an upload error). */
  uploadFailureRate: rate.optional(),
  /** How the emulator's transfers treat presigned URLs. */
  storage: storageFaultsSchema.optional(),
  /** What Adobe I/O Events does to the job-status events. */
  events: eventFaultsSchema.optional(),
});

/** Faults to inject; every rate is a probability in [0, 1] drawn from a seeded generator. */
export type FaultConfig = z.infer<typeof faultConfigSchema>;
export type RequestFaults = z.infer<typeof requestFaultsSchema>;
export type SubmitFaults = z.infer<typeof submitFaultsSchema>;
export type StorageFaults = z.infer<typeof storageFaultsSchema>;
export type EventFaultConfig = z.infer<typeof eventFaultsSchema>;
