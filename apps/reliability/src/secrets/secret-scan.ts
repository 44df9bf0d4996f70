import type { Redis } from 'ioredis';

/** One place a secret-looking string was found. */
export interface SecretFinding {
  /** Where: `redis:<key>` or `log:<source>`. */
  where: string;
  /** What matched (the pattern's name, never the secret itself). */
  what: string;
}

/** Patterns of presigned URLs and bearer credentials that must never be stored or logged. */
const PRESIGN_PATTERNS: Array<[string, RegExp]> = [
  ['X-Amz-Signature', /X-Amz-Signature/i],
  ['X-Amz-Credential', /X-Amz-Credential/i],
  ['Azure SAS sig=', /[?&]sig=/i],
  ['bearer token', /Bearer\s+[A-Za-z0-9._~+/-]{8,}/],
];

/**
 * Finds presigned-URL signatures, bearer headers and any of the given literal secrets (client
 * secrets, issued access tokens) in a text. Returns the names of what matched.
 */
export function findSecrets(text: string, literals: readonly string[]): string[] {
  const found: string[] = [];
  for (const [name, pattern] of PRESIGN_PATTERNS) if (pattern.test(text)) found.push(name);
  literals.forEach((secret, index) => {
    if (secret.length >= 6 && text.includes(secret)) found.push(`literal secret #${index}`);
  });
  return found;
}

/** Reads one key's whole value as text, whatever its type. */
async function dumpKey(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}

/** SCANs every key of the database and reports secrets found in keys or values. */
export async function scanRedisForSecrets(
  redis: Redis,
  literals: readonly string[],
): Promise<{ keys: number; findings: SecretFinding[] }> {
  const findings: SecretFinding[] = [];
  let cursor = '0';
  let keys = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 500);
    cursor = next;
    for (const key of batch) {
      keys += 1;
      const text = `${key}\n${await dumpKey(redis, key)}`;
      for (const what of findSecrets(text, literals))
        findings.push({ where: `redis:${key}`, what });
    }
  } while (cursor !== '0');
  return { keys, findings };
}

/** Reports secrets found in log lines; `source` names the process the lines came from. */
export function scanLinesForSecrets(
  source: string,
  lines: readonly string[],
  literals: readonly string[],
): SecretFinding[] {
  const findings: SecretFinding[] = [];
  lines.forEach((line, index) => {
    for (const what of findSecrets(line, literals)) {
      findings.push({ where: `log:${source}#${index + 1}`, what });
    }
  });
  return findings;
}
