import { guardAgainstLeaks } from '@darkroom/testing';
import { HttpError, ImsTokenProvider } from '../src';
import { json, startAdobeDouble, type AdobeDouble } from './support/adobe-double';

guardAgainstLeaks();

const TOKEN_PATH = '/ims/token/v3';
let ims: AdobeDouble;

beforeEach(async () => {
  ims = await startAdobeDouble();
});
afterEach(async () => {
  await ims.close();
});

function provider(now?: () => number): ImsTokenProvider {
  return new ImsTokenProvider({
    imsBaseUrl: ims.origin,
    clientId: 'id-1',
    clientSecret: 'secret-1',
    scope: 'openid,AdobeID,read_organizations',
    refreshMarginMs: 60_000,
    ...(now ? { now } : {}),
  });
}

describe('ImsTokenProvider.getToken', () => {
  test('sends the client_credentials form to /ims/token/v3', async () => {
    ims.route('POST', TOKEN_PATH, (_req, res) =>
      json(res, 200, { access_token: 't', expires_in: 86399 }),
    );
    await expect(provider().getToken()).resolves.toBe('t');
    const [req] = ims.requests;
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'id-1',
      client_secret: 'secret-1',
      scope: 'openid,AdobeID,read_organizations',
    });
  });

  test('10 concurrent callers share 1 token request, and later calls use the cache', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    ims.route('POST', TOKEN_PATH, async (_req, res, n) => {
      await gate;
      json(res, 200, { access_token: `t${n}`, expires_in: 86399 });
    });
    const p = provider();
    const all = Promise.all(Array.from({ length: 10 }, () => p.getToken()));
    while (ims.count('POST', TOKEN_PATH) === 0) await new Promise((r) => setImmediate(r));
    release();
    expect(new Set(await all)).toEqual(new Set(['t1']));
    await expect(p.getToken()).resolves.toBe('t1');
    expect(ims.count('POST', TOKEN_PATH)).toBe(1);
  });

  test('refreshes shortly before expires_in runs out', async () => {
    ims.route('POST', TOKEN_PATH, (_req, res, n) =>
      json(res, 200, { access_token: `t${n}`, expires_in: 3600 }),
    );
    let clock = 1_000_000;
    const p = provider(() => clock);
    await expect(p.getToken()).resolves.toBe('t1');
    clock += 3_600_000 - 60_001; // just inside the refresh margin
    await expect(p.getToken()).resolves.toBe('t1');
    clock += 2;
    await expect(p.getToken()).resolves.toBe('t2');
    expect(ims.count('POST', TOKEN_PATH)).toBe(2);
  });

  test('invalidate() forces a new token request', async () => {
    ims.route('POST', TOKEN_PATH, (_req, res, n) =>
      json(res, 200, { access_token: `t${n}`, expires_in: 86399 }),
    );
    const p = provider();
    await p.getToken();
    p.invalidate();
    await expect(p.getToken()).resolves.toBe('t2');
  });

  test('an IMS error surfaces as HttpError without the client secret', async () => {
    ims.route('POST', TOKEN_PATH, (_req, res) => json(res, 400, { error: 'invalid_client' }));
    const err = (await provider()
      .getToken()
      .catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(400);
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain('secret-1');
    // a failed refresh is not cached: the next call asks again
    ims.route('POST', TOKEN_PATH, (_req, res) =>
      json(res, 200, { access_token: 'ok', expires_in: 10 }),
    );
    await expect(provider().getToken()).resolves.toBe('ok');
  });

  test('one caller aborting does not cancel the shared request', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    ims.route('POST', TOKEN_PATH, async (_req, res) => {
      await gate;
      json(res, 200, { access_token: 'shared', expires_in: 86399 });
    });
    const p = provider();
    const controller = new AbortController();
    const aborted = p.getToken(controller.signal);
    const other = p.getToken();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    release();
    await expect(other).resolves.toBe('shared');
    expect(ims.count('POST', TOKEN_PATH)).toBe(1);
  });
});
