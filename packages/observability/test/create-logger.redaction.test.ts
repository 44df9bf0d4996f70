import { createLogger, scopeJobLogger } from '../src';
import { collectLines } from './collect-lines';

const S3 =
  'https://bucket.s3.amazonaws.com/in/cat.psd?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=deadbeefcafe';
const SAS = 'https://acct.blob.core.windows.net/out/cat.png?sv=2024&sig=c2VjcmV0c2ln';
const DROPBOX = 'https://content.dropboxapi.com/apitul/1/UpLoAdToKeN';
const SECRETS = [
  'AKIAEXAMPLE',
  'deadbeefcafe',
  'c2VjcmV0c2ln',
  'UpLoAdToKeN',
  'sekrit-',
  'ey.jwt.sig',
];

describe('createLogger', () => {
  it('writes one JSON line per event with level, time, name and message', () => {
    const { stream, lines } = collectLines();
    const logger = createLogger({ name: 'darkroom-worker', destination: stream });
    logger.info({ operation: 'autoTone' }, 'job completed');
    logger.debug('not written at info');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      name: 'darkroom-worker',
      operation: 'autoTone',
      msg: 'job completed',
    });
    expect(typeof line.time).toBe('string');
  });

  it('removes secrets wherever they sit: known fields, nested fields, messages and errors', () => {
    const { stream, lines, text } = collectLines();
    const logger = createLogger({ destination: stream, level: 'debug' });
    logger.info({ url: S3 }, 'presigned input');
    logger.info(
      { req: { headers: { authorization: 'Bearer ey.jwt.sig', accept: '*/*' } } },
      'call',
    );
    logger.info({ token: 'sekrit-1', accessToken: 'sekrit-2', client_secret: 'sekrit-3' }, 'auth');
    logger.info({ job: { outputs: [{ presigned: { href: SAS } }] } }, 'outputs');
    logger.info({ deeply: { nested: { inside: { password: 'sekrit-4', where: SAS } } } }, 'odd');
    logger.warn(`upload to ${DROPBOX} failed`);
    logger.error({ err: new Error(`GET ${S3} answered 403`) }, 'input unreadable');
    logger.info({ note: 'Authorization: Bearer ey.jwt.sig' }, 'header copied into a string');
    logger.info({ body: '{"access_token":"sekrit-5","expires_in":86399}' }, 'raw reply');
    logger.info({ links: ['https://x.dl.dropboxusercontent.com/cd/0/get/sekrit-6/file'] }, 'dl');

    expect(lines).toHaveLength(10);
    for (const secret of SECRETS) expect(text()).not.toContain(secret);
    // Context survives: paths of URLs, ordinary fields, messages.
    expect(text()).toContain('https://bucket.s3.amazonaws.com/in/cat.psd');
    expect(text()).toContain('https://acct.blob.core.windows.net/out/cat.png');
    expect(text()).toContain('input unreadable');
    expect(text()).toContain('"accept":"*/*"');
    expect(text()).toContain('expires_in');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('keeps ordinary lines exactly as written', () => {
    const { stream, lines } = collectLines();
    const logger = createLogger({ destination: stream });
    logger.info(
      { input: 's3://bucket/in/cat.psd', statusUrl: 'https://image.adobe.io/pie/status/abc' },
      'polling https://image.adobe.io/pie/status/abc after 3 polls',
    );
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(line.input).toBe('s3://bucket/in/cat.psd');
    expect(line.statusUrl).toBe('https://image.adobe.io/pie/status/abc');
    expect(line.msg).toBe('polling https://image.adobe.io/pie/status/abc after 3 polls');
  });
});

describe('scopeJobLogger', () => {
  it('carries the job fields and "attempt n of m" on every line, including child lines', () => {
    const { stream, lines } = collectLines();
    const logger = scopeJobLogger(createLogger({ destination: stream }), {
      jobId: 'j-1',
      operation: 'autoTone',
      account: 'acct-a',
      attempt: 2,
      maxAttempts: 4,
      step: 'poll',
    });
    logger.warn({ durationSeconds: 1.5 }, 'status 503, will retry');
    logger.child({ poll: 3 }).info('still running');
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({
      jobId: 'j-1',
      operation: 'autoTone',
      account: 'acct-a',
      attempt: 2,
      maxAttempts: 4,
      step: 'poll',
      attemptOf: 'attempt 2 of 4',
      msg: 'attempt 2 of 4: status 503, will retry',
    });
    expect(second).toMatchObject({ jobId: 'j-1', poll: 3, msg: 'attempt 2 of 4: still running' });
  });
});
