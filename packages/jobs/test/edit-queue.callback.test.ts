import { createHash } from 'node:crypto';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import {
  EditJobValidationError,
  EditQueue,
  IdempotencyConflictError,
  validateEditJob,
  type EditJobData,
} from '../src';

guardAgainstLeaks();

const rendition = {
  operation: 'renditionCreate',
  input: 's3://darkroom-in/photos/a.psd',
  outputs: [{ ref: 's3://darkroom-out/renditions/a.jpg', type: 'image/jpeg', width: 512 }],
};

/** JSON with every object's keys sorted: the canonical form fingerprints hash. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The issues an invalid job is refused with. */
async function issuesOf(input: unknown, callbackAllow: string[] = []): Promise<unknown> {
  try {
    await validateEditJob(input, { callbackAllow });
  } catch (err) {
    if (err instanceof EditJobValidationError) return err.issues;
    throw err;
  }
  throw new Error('the job was accepted');
}

describe('validateEditJob callback', () => {
  it.each([
    ['not a URL', 'hooks/darkroom', 'url'],
    ['http to a public host', 'http://app.example.com/hooks', 'https'],
    ['http to loopback', 'http://127.0.0.1:4000/hooks', 'https'],
    ['https to loopback', 'https://127.0.0.1/hooks', 'public-address'],
    ['https to localhost', 'https://localhost:8443/hooks', 'public-address'],
    ['the metadata service', 'https://169.254.169.254/latest', 'public-address'],
    ['a private address', 'https://10.1.2.3/hooks', 'public-address'],
    ['IPv6 loopback', 'https://[::1]/hooks', 'public-address'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hooks', 'public-address'],
    ['a user name', 'https://user:pw@app.example.com/hooks', 'userinfo'],
  ])('refuses %s at callback.url naming the rule', async (_what, url, rule) => {
    const issues = (await issuesOf({ ...rendition, callback: { url } })) as {
      path: string;
      rule: string;
      message: string;
    }[];
    expect(issues).toEqual([{ path: 'callback.url', rule, message: expect.any(String) as string }]);
    expect(issues[0]!.message).not.toContain('pw');
  });

  it('refuses a callback without a url, or with unknown fields, at its path', async () => {
    expect(await issuesOf({ ...rendition, callback: {} })).toEqual([
      expect.objectContaining({ path: 'callback.url' }),
    ]);
    expect(
      await issuesOf({ ...rendition, callback: { url: 'https://a.example.com/', secret: 'x' } }),
    ).toEqual([expect.objectContaining({ path: 'callback' })]);
  });

  it('takes a public https URL, and http to a host on the allow-list', async () => {
    const url = 'https://app.example.com/hooks/darkroom?token=abc';
    expect((await validateEditJob({ ...rendition, callback: { url } })).callback).toEqual({ url });
    const local = 'http://127.0.0.1:4000/hooks';
    const job = await validateEditJob(
      { ...rendition, callback: { url: local } },
      { callbackAllow: ['127.0.0.1:4000'] },
    );
    expect(job.callback).toEqual({ url: local });
    expect(await issuesOf({ ...rendition, callback: { url: local } }, ['127.0.0.1:4001'])).toEqual([
      expect.objectContaining({ path: 'callback.url', rule: 'https' }),
    ]);
  });

  it('leaves the fingerprint of a job without a callback as it was, and hashes the URL in', async () => {
    const plain = await validateEditJob(rendition);
    const a = await validateEditJob({ ...rendition, callback: { url: 'https://a.example.com/' } });
    const b = await validateEditJob({ ...rendition, callback: { url: 'https://b.example.com/' } });
    // The hash of { request, account, tenant } as computed before callbacks existed.
    const before = sortedJson({ request: plain.request, account: 'default' });
    expect(plain.fingerprint).toBe(createHash('sha256').update(before).digest('hex'));
    expect(new Set([plain.fingerprint, a.fingerprint, b.fingerprint]).size).toBe(3);
  });
});

describe('EditQueue.enqueue with a callback', () => {
  let edits: EditQueue;
  beforeEach(() => {
    edits = new EditQueue({
      connection: redisUrl(),
      queueName: uniqueName('edits'),
      callbackAllow: ['127.0.0.1:4000'],
    });
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('stores the URL in the job data and shows it as origin and path only', async () => {
    const url = 'http://127.0.0.1:4000/hooks/darkroom?token=app-own-secret';
    const { id } = await edits.enqueue({ ...rendition, callback: { url } });
    const job = await edits.queue.getJob(id);
    expect((job?.data as EditJobData).callback).toEqual({ url });
    const status = await edits.get(id);
    expect(status?.callback).toEqual({ target: 'http://127.0.0.1:4000/hooks/darkroom' });
    expect(JSON.stringify(status)).not.toContain('app-own-secret');
  });

  it('treats a key reused with another callback URL as a conflict, the same one as a replay', async () => {
    const keyed = { ...rendition, idempotencyKey: uniqueName('key') };
    const first = await edits.enqueue({ ...keyed, callback: { url: 'https://a.example.com/h' } });
    const again = await edits.enqueue({ ...keyed, callback: { url: 'https://a.example.com/h' } });
    expect(again).toEqual({ id: first.id, duplicate: true });
    await expect(
      edits.enqueue({ ...keyed, callback: { url: 'https://b.example.com/h' } }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
  });
});
