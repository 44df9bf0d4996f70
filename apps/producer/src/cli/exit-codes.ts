/**
 * What `darkroom` exits with. Scripts branch on these; they never change meaning.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | ok |
 * | 1 | the job failed, the action could not be done (cancel of a finished job), or doctor found a problem |
 * | 2 | bad usage, bad configuration, or an invalid job (for `--from`: at least one line was rejected) |
 * | 3 | Redis is unreachable |
 * | 4 | no such job |
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  redisUnreachable: 3,
  notFound: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
