/**
 * The line of a command's help that says what it talks to. The edit commands go over HTTP to
 * the producer DARKROOM_PRODUCER_URL names, when it is set, through the routes given here.
 */
export function overHttpWhenSet(routes: string): string {
  return `Talks to the producer at DARKROOM_PRODUCER_URL, with DARKROOM_PRODUCER_TOKEN, when it is set:
  ${routes}
Otherwise to Redis (REDIS_URL).`;
}

/** The same line for a command that reads Redis itself, whatever DARKROOM_PRODUCER_URL says. */
export const REDIS_ALWAYS = 'Reads Redis (REDIS_URL) even when DARKROOM_PRODUCER_URL is set.';
