import { JobsError } from './jobs-error';

/** Redis could not be reached; producers fail fast with this instead of queueing commands. */
export class RedisUnavailableError extends JobsError {
  constructor(target: string, options?: { cause?: unknown }) {
    super(
      `Redis is unreachable at ${target}: nothing was enqueued. Check REDIS_URL and that Redis is running.`,
      options,
    );
  }
}
