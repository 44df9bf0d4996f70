/**
 * Job durations: from a fast synchronous edit (a tenth of a second) to Adobe's slowest jobs and
 * the half-hour deadline Darkroom gives a remote job.
 */
export const JOB_SECONDS_BUCKETS: readonly number[] = [
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800,
];

/** One HTTP round trip to the Photoshop API or the IMS token endpoint. */
export const REQUEST_SECONDS_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Retry-After values and budget waits: a 429 usually asks for seconds, at most minutes. */
export const WAIT_SECONDS_BUCKETS: readonly number[] = [
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
];

/** Status polls per job: adaptive polling keeps most jobs under a handful. */
export const POLL_COUNT_BUCKETS: readonly number[] = [1, 2, 3, 5, 8, 13, 21, 34, 55];
