import type { ServerResponse } from 'node:http';

// Adobe's challenges are UUIDs; the bound keeps a forged request from making us echo a page.
const MAX_CHALLENGE_LENGTH = 256;

/** The challenge of a `{ "challenge": "..." }` POST body, if that is what the body is. */
export function challengeOfBody(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const record = json as Record<string, unknown>;
  if ('event' in record || 'event_id' in record) return undefined;
  return typeof record.challenge === 'string' ? record.challenge : undefined;
}

export function isAcceptableChallenge(challenge: string): boolean {
  return challenge.length > 0 && challenge.length <= MAX_CHALLENGE_LENGTH;
}

/** Answers a registration challenge: plain text for the GET form, JSON for the POST form. */
export function answerChallenge(res: ServerResponse, challenge: string, as: 'text' | 'json'): void {
  const body = as === 'text' ? challenge : JSON.stringify({ challenge });
  res.writeHead(200, {
    'content-type': as === 'text' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
}
