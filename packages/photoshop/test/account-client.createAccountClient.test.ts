import { guardAgainstLeaks } from '@darkroom/testing';
import {
  accountSchema,
  createAccountClient,
  ForeignStatusUrlError,
  HttpError,
  TimeoutError,
  type AccountConfig,
  type RequestEvent,
} from '../src';
import { json, startAdobeDouble, type AdobeDouble } from './support/adobe-double';

guardAgainstLeaks();

const TOKEN_PATH = '/ims/token/v3';
const HELLO_PATH = '/pie/psdService/hello';

describe('createAccountClient', () => {
  let ims: AdobeDouble;
  let v1: AdobeDouble;
  let v2: AdobeDouble;
  let account: AccountConfig;

  beforeEach(async () => {
    [ims, v1, v2] = await Promise.all([startAdobeDouble(), startAdobeDouble(), startAdobeDouble()]);
    ims.route('POST', TOKEN_PATH, (_req, res, n) =>
      json(res, 200, { access_token: `token-${n}`, expires_in: 86399 }),
    );
    account = accountSchema.parse({
      clientId: 'client-7',
      clientSecret: 'secret-7',
      orgId: 'org-7@AdobeOrg',
      scope: 'openid,AdobeID',
      imsUrl: ims.origin,
      v1BaseUrl: v1.origin,
      v2BaseUrl: v2.origin,
    });
  });
  afterEach(async () => {
    await Promise.all([ims.close(), v1.close(), v2.close()]);
  });

  it("talks to the account's IMS with its credentials and to its API as its client id and org", async () => {
    v1.route('GET', HELLO_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('Welcome to the Photoshop API!');
    });
    const { client, auth } = createAccountClient(account);
    await expect(client.hello()).resolves.toContain('Welcome');

    const [tokenRequest] = ims.requests;
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toMatchObject({
      grant_type: 'client_credentials',
      client_id: 'client-7',
      client_secret: 'secret-7',
      scope: 'openid,AdobeID',
    });
    const [hello] = v1.requests;
    expect(hello?.headers).toMatchObject({
      authorization: 'Bearer token-1',
      'x-api-key': 'client-7',
      'x-gw-ims-org-id': 'org-7@AdobeOrg',
    });
    // The client and the caller share one token source: no second token request.
    await expect(auth.getToken()).resolves.toBe('token-1');
    expect(ims.count('POST', TOKEN_PATH)).toBe(1);
  });

  it('sends no org header for an account without one', async () => {
    v1.route('GET', HELLO_PATH, (_req, res) => json(res, 200, {}));
    const { orgId: _org, ...withoutOrg } = account;
    await createAccountClient(withoutOrg).client.hello();
    expect(v1.requests[0]?.headers).not.toHaveProperty('x-gw-ims-org-id');
  });

  it("follows status URLs on the account's v1 and v2 origins only", async () => {
    const status = { jobId: 'j-1', status: 'running' };
    v2.route('GET', '/v2/status/j-1', (_req, res) => json(res, 200, status));
    const { client } = createAccountClient(account);
    await expect(
      client.getStatus(`${v2.origin}/v2/status/j-1`, { operationId: 'v2.edit' }),
    ).resolves.toMatchObject({ state: 'running' });
    await expect(
      client.getStatus('http://127.0.0.1:9/v2/status/j-1', { operationId: 'v2.edit' }),
    ).rejects.toBeInstanceOf(ForeignStatusUrlError);
    expect(v2.count('GET', '/v2/status/j-1')).toBe(1);
  });

  it('applies the retry option and reports every attempt, to IMS and the API, to onRequest', async () => {
    v1.route('GET', HELLO_PATH, (_req, res) =>
      json(res, 503, { type: 'ServiceUnavailable', code: 503, title: 'busy' }),
    );
    const events: RequestEvent[] = [];
    const once = createAccountClient(account, {
      retry: { retries: 0 },
      onRequest: (event) => events.push(event),
    });
    await expect(once.client.hello()).rejects.toBeInstanceOf(HttpError);
    expect(v1.count('GET', HELLO_PATH)).toBe(1);
    expect(events.map((e) => [e.endpointClass, e.status])).toEqual([
      ['token', 200],
      ['other', 503],
    ]);

    const twice = createAccountClient(account, { retry: { retries: 2, baseDelayMs: 1 } });
    await expect(twice.client.hello()).rejects.toBeInstanceOf(HttpError);
    expect(v1.count('GET', HELLO_PATH)).toBe(1 + 3);
  });

  it('gives up on a slow IMS after imsTimeoutMs, and on a slow API after timeoutMs', async () => {
    const slowIms = await startAdobeDouble();
    try {
      // Never answers: only the client's timeout ends the request.
      slowIms.route('POST', TOKEN_PATH, () => undefined);
      const { auth } = createAccountClient(
        { ...account, imsUrl: slowIms.origin },
        { imsTimeoutMs: 150 },
      );
      const slow = auth.getToken();
      await expect(slow).rejects.toBeInstanceOf(TimeoutError);
      await expect(slow).rejects.toThrow('within 150 ms');
    } finally {
      await slowIms.close();
    }
    v1.route('GET', HELLO_PATH, () => undefined);
    const { client } = createAccountClient(account, { timeoutMs: 150, retry: { retries: 0 } });
    const slow = client.hello();
    await expect(slow).rejects.toBeInstanceOf(TimeoutError);
    await expect(slow).rejects.toThrow('within 150 ms');
  });
});
