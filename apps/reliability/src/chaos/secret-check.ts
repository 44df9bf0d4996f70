import { Redis } from 'ioredis';
import { scanLinesForSecrets, scanRedisForSecrets } from '../secrets/secret-scan';
import type { WorkerProcess } from '../support/worker-process';

/** How much the scans looked at. */
export interface SecretScanTally {
  redisKeysScanned: number;
  logLinesScanned: number;
}

/**
 * Scans every Redis key and every worker log line for the client secret and each access token
 * IMS issued during the run; each finding is a breach. A run that recorded no token is a breach
 * too: the scan would have been blind.
 */
export async function checkSecrets(parts: {
  redisUrl: string;
  clientSecret: string;
  tokens: readonly string[];
  workers: readonly WorkerProcess[];
  breaches: string[];
}): Promise<SecretScanTally> {
  const { breaches, workers } = parts;
  const literals = [parts.clientSecret, ...parts.tokens];
  if (parts.tokens.length === 0)
    breaches.push('no access token was recorded; the scan would be blind');
  const client = new Redis(parts.redisUrl, { maxRetriesPerRequest: 1 });
  const scanned = await scanRedisForSecrets(client, literals).finally(() => client.disconnect());
  const logFindings = workers.flatMap((w) => scanLinesForSecrets(w.name, w.lines, literals));
  for (const f of [...scanned.findings, ...logFindings])
    breaches.push(`secret: ${f.what} in ${f.where}`);
  return {
    redisKeysScanned: scanned.keys,
    logLinesScanned: workers.reduce((n, w) => n + w.lines.length, 0),
  };
}
