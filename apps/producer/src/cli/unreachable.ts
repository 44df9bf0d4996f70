import { RedisUnavailableError, isConnectionError } from '@darkroom/jobs';

/**
 * The producer could not answer: it did not take the connection (refused, reset, timed out, a
 * name that does not resolve), or it answered 503 because its own Redis is unreachable. Exit
 * code 3, as for Redis itself. The message names the producer's URL, never the token.
 */
export class ProducerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

/** Whether `err` means the edits could not be reached at all: Redis, or the producer. */
export function isUnreachable(err: unknown): boolean {
  return (
    err instanceof RedisUnavailableError ||
    err instanceof ProducerUnavailableError ||
    isConnectionError(err)
  );
}
