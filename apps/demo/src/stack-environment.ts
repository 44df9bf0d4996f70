import type { LocalStack } from './local-stack';
import type { ProducerProcess } from './producer-process';

/** Where `darkroom doctor` writes its probe in the stack's s3rver (an s3.default target). */
const DOCTOR_PROBE = '.darkroom-doctor/probe.txt';

/**
 * The variables another shell needs to reach the kept stack: Redis and the queue, the storage
 * configuration, the emulator's endpoint and client, the scratch folder and named recipes of
 * recipe runs, the producer's URL and token. Values the
 * user configured (DARKROOM_STORAGE, real ADOBE_* credentials, a REDIS_URL with a password) are
 * not repeated: the notes say to bring them along instead.
 */
export function stackEnvironment(
  stack: LocalStack,
  producer: Pick<ProducerProcess, 'url' | 'token'>,
  recipes: string,
): { variables: [string, string][]; notes: string[] } {
  const variables: [string, string][] = [];
  const notes: string[] = [];
  if (new URL(stack.redis.url).password) notes.push('REDIS_URL: keep yours (it holds a password)');
  else variables.push(['REDIS_URL', stack.redis.url]);
  variables.push(
    ['DARKROOM_PREFIX', stack.edits.prefix],
    ['DARKROOM_QUEUE', stack.edits.queueName],
  );
  if (stack.s3Endpoint) {
    variables.push(['DARKROOM_STORAGE', JSON.stringify(stack.storageConfig)]);
    // s3rver is an s3.default target: doctor probes it only where it is told to write.
    const bucket = new URL(`${stack.at.outputs}/`).host;
    variables.push(['DARKROOM_DOCTOR_PROBES', `s3://${bucket}/${DOCTOR_PROBE}`]);
  } else {
    notes.push('DARKROOM_STORAGE: keep yours');
  }
  if (stack.emulator && stack.emulatorClient) {
    variables.push(
      ['ADOBE_CLIENT_ID', stack.emulatorClient.clientId],
      ['ADOBE_CLIENT_SECRET', stack.emulatorClient.clientSecret],
      ['ADOBE_IMS_URL', stack.emulator.url],
      ['ADOBE_API_URL', stack.emulator.url],
      ['ADOBE_API_V2_URL', stack.emulator.url],
    );
  } else {
    notes.push('ADOBE_*: keep yours');
  }
  // Recipe runs: the scratch folder and the named example recipes the producer was started with.
  variables.push(['DARKROOM_SCRATCH', stack.scratch], ['DARKROOM_RECIPES', recipes]);
  variables.push(
    ['DARKROOM_PRODUCER_URL', producer.url],
    ['DARKROOM_PRODUCER_TOKEN', producer.token],
  );
  return { variables, notes };
}

/** `value` in single quotes for a POSIX shell: every character literal, `'` as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The lines a user pastes into another shell: one `export NAME='value'` per variable. */
export function exportLines(environment: ReturnType<typeof stackEnvironment>): string[] {
  return [
    ...environment.variables.map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    ...environment.notes.map((note) => `# ${note}`),
  ];
}
