import { z } from 'zod';

const rate = z.number().min(0).max(1);

const requestFaultsSchema = z.strictObject({
  /** Share of requests answered with a 5xx from `errorStatuses`. */
  errorRate: rate.optional(),
  /** @defaultValue [500, 502, 503, 504] */
  errorStatuses: z
    .array(z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]))
    .min(1)
    .optional(),
  /** Share of requests whose socket is destroyed without a reply. */
  dropRate: rate.optional(),
  /** Added latency in ms (not scaled by timeFactor: it simulates the network, not the job). */
  latencyMs: z.number().int().min(0).optional(),
  /** Share of requests that get `latencyMs`. @defaultValue 1 when latencyMs is set */
  latencyRate: rate.optional(),
  /**
   * Submits only: share of submits that are accepted (the job exists and runs) but whose reply
   * is lost (socket destroyed), the case where a client cannot know whether it submitted.
   */
  dropAfterAcceptRate: rate.optional(),
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

export const faultConfigSchema = z.strictObject({
  /** Seed for this fault set; falls back to the emulator's seed. */
  seed: z.number().int().optional(),
  submit: requestFaultsSchema.optional(),
  status: requestFaultsSchema.optional(),
  throttle: throttleSchema.optional(),
  /** Share of accepted jobs that end `failed` with an internal error. */
  jobFailureRate: rate.optional(),
  /** Share of output uploads that fail (the job ends `failed` with an upload error). */
  uploadFailureRate: rate.optional(),
});

/** Faults to inject; every rate is a probability in [0, 1] drawn from a seeded generator. */
export type FaultConfig = z.infer<typeof faultConfigSchema>;
export type RequestFaults = z.infer<typeof requestFaultsSchema>;
