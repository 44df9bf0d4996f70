/**
 * What `darkroom` exits with. Scripts branch on these; they never change meaning. The exit-code
 * table of apps/producer/README.md says when each happens, and a test holds it to these values.
 */
export const EXIT = {
  /** Done; also when the reader of stdout went away (`darkroom watch | head -3`). */
  ok: 0,
  /**
   * The edit (or recipe run) failed, the action cannot be done, doctor found a problem, or an
   * unexpected error.
   */
  failed: 1,
  /**
   * Bad usage, bad configuration (a token the producer refuses too), an invalid or refused edit
   * or run, an unknown recipe, a manifest line rejected.
   */
  usage: 2,
  /** Redis is unreachable; with DARKROOM_PRODUCER_URL, the producer (or its Redis) is. */
  unreachable: 3,
  /** No such edit or run (or no callback delivery for it). */
  notFound: 4,
  /** `status --wait` (`run --wait`): the edit or run had not finished when the wait ended. */
  waitTimedOut: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One line per code, for `darkroom --help`. */
export const EXIT_SUMMARY = [
  `${EXIT.ok}  ok (also when the reader of stdout left: darkroom watch | head)`,
  `${EXIT.failed}  the edit or run failed, the action cannot be done, doctor found a problem`,
  `${EXIT.usage}  bad usage or configuration (a refused DARKROOM_PRODUCER_TOKEN too), an invalid or refused edit or run`,
  `${EXIT.unreachable}  Redis is unreachable, or the producer of DARKROOM_PRODUCER_URL is`,
  `${EXIT.notFound}  no such edit or run`,
  `${EXIT.waitTimedOut}  status --wait (run --wait) ended before the edit or run finished`,
];
