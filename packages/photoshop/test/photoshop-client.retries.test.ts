import { guardAgainstLeaks } from '@darkroom/testing';
import {
  DEFAULT_RETRY_AFTER_MS,
  ForeignStatusUrlError,
  HttpError,
  ImsTokenProvider,
  NetworkError,
  PhotoshopClient,
  RateLimitedError,
  RequestValidationError,
  SubmitOutcomeUnknownError,
  TokenUnavailableError,
  classifyError,
  type PhotoshopClientOptions,
  type RequestEvent,
} from '../src';
import { json, startAdobeDouble, type AdobeDouble } from './support/adobe-double';

guardAgainstLeaks();

const STATUS_PATH = '/pie/psdService/status/de2415fb-82c6-47fc-b102-04ad651c5ed4';
const TOKEN_PATH = '/ims/token/v3';

const renditionBody = {
  inputs: [{ href: 'https://bucket.example/in.psd?X-Amz-Signature=abc', storage: 'external' }],
  outputs: [
    { href: 'https://bucket.example/out.png?sig=1', storage: 'external', type: 'image/png' },
  ],
};

let adobe: AdobeDouble;
let events: RequestEvent[];

beforeEach(async () => {
  adobe = await startAdobeDouble();
  events = [];
  adobe.route('POST', TOKEN_PATH, (_req, res, n) =>
    json(res, 200, { access_token: `token-${n}`, token_type: 'bearer', expires_in: 86399 }),
  );
});

afterEach(async () => {
  await adobe.close();
});

function client(extra: Partial<PhotoshopClientOptions> = {}): PhotoshopClient {
  const auth = new ImsTokenProvider({
    imsBaseUrl: adobe.origin,
    clientId: 'client-id',
    clientSecret: 'client-secret',
    onRequest: (e) => events.push(e),
  });
  return new PhotoshopClient({
    baseUrls: { v1: adobe.origin, v2: adobe.origin },
    apiKey: 'client-id',
    orgId: 'org@AdobeOrg',
    auth,
    timeoutMs: 2_000,
    retry: { retries: 3, baseDelayMs: 2 },
    onRequest: (e) => events.push(e),
    ...extra,
  });
}

const statusUrl = () => `${adobe.origin}${STATUS_PATH}`;
const succeeded = {
  jobId: 'de2415fb-82c6-47fc-b102-04ad651c5ed4',
  outputs: [
    {
      input: 'in',
      status: 'succeeded',
      _links: { renditions: [{ href: 'out', type: 'image/png' }] },
    },
  ],
};

describe('PhotoshopClient retry rules (counted by a real server)', () => {
  test.each([500, 502, 503, 504, 599])(
    'status GET answered %i: 4 requests, then HttpError',
    async (status) => {
      adobe.route('GET', STATUS_PATH, (_req, res) =>
        json(res, status, { type: 'InternalServiceError' }),
      );
      const err = await client()
        .getStatus(statusUrl())
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).status).toBe(status);
      expect(adobe.count('GET', STATUS_PATH)).toBe(4);
      expect(classifyError(err)).toEqual({ action: 'retry', reason: 'http_5xx' });
    },
  );

  test.each([500, 502, 503, 504])(
    'submit POST answered %i is sent once and reported as an unknown outcome',
    async (status) => {
      adobe.route('POST', '/pie/psdService/renditionCreate', (_req, res) => json(res, status, {}));
      const err = await client()
        .submit('renditionCreate', renditionBody)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SubmitOutcomeUnknownError);
      expect((err as SubmitOutcomeUnknownError).status).toBe(status);
      expect(adobe.count('POST', '/pie/psdService/renditionCreate')).toBe(1);
    },
  );

  test('a 5xx followed by success returns the job after 2 requests and reports each attempt', async () => {
    adobe.route('GET', STATUS_PATH, (_req, res, n) =>
      n === 1 ? json(res, 503, {}) : json(res, 200, succeeded),
    );
    const status = await client().getStatus(statusUrl());
    expect(status.state).toBe('succeeded');
    expect(adobe.count('GET', STATUS_PATH)).toBe(2);
    const statusEvents = events.filter((e) => e.endpointClass === 'status');
    expect(statusEvents.map((e) => [e.attempt, e.status])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    expect(events.filter((e) => e.endpointClass === 'token')).toHaveLength(1);
  });

  test.each([400, 402, 403, 404, 409, 410, 415, 422])(
    'submit answered %i: exactly 1 request',
    async (status) => {
      adobe.route('POST', '/pie/psdService/renditionCreate', (_req, res) =>
        json(res, status, {
          type: 'InputValidationError',
          code: status,
          title: 'nope',
          details: { name: 'x', reason: 'y' },
        }),
      );
      const err = await client()
        .submit('renditionCreate', renditionBody)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect(err).toMatchObject({
        status,
        type: 'InputValidationError',
        title: 'nope',
        method: 'POST',
      });
      expect(adobe.count('POST', '/pie/psdService/renditionCreate')).toBe(1);
      expect(classifyError(err).action).toBe('fail');
    },
  );

  test.each([400, 403, 404, 409, 410, 415])(
    'status GET answered %i: exactly 1 request',
    async (status) => {
      adobe.route('GET', STATUS_PATH, (_req, res) =>
        json(res, status, { error_code: 'x', message: 'y' }),
      );
      await expect(client().getStatus(statusUrl())).rejects.toMatchObject({
        status,
        type: 'x',
        title: 'y',
      });
      expect(adobe.count('GET', STATUS_PATH)).toBe(1);
    },
  );

  test('429 with Retry-After in seconds: 1 request, RateLimitedError with the delay', async () => {
    adobe.route('POST', '/pie/psdService/renditionCreate', (_req, res) =>
      json(
        res,
        429,
        { error_code: 'unauthorized_rate_limited', message: 'slow down' },
        { 'Retry-After': '7' },
      ),
    );
    const err = await client()
      .submit('renditionCreate', renditionBody)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(7_000);
    expect(adobe.count('POST', '/pie/psdService/renditionCreate')).toBe(1);
    expect(classifyError(err)).toEqual({ action: 'slow_down', reason: 'rate_limited' });
  });

  test('429 with Retry-After as an HTTP date: the delay until that date', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000);
    adobe.route('GET', STATUS_PATH, (_req, res) =>
      json(res, 429, {}, { 'Retry-After': at.toUTCString() }),
    );
    const err = (await client()
      .getStatus(statusUrl())
      .catch((e: unknown) => e)) as RateLimitedError;
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(61_000);
    expect(adobe.count('GET', STATUS_PATH)).toBe(1);
  });

  test('429 without Retry-After: the documented default delay', async () => {
    adobe.route('GET', STATUS_PATH, (_req, res) => json(res, 429, {}));
    await expect(client().getStatus(statusUrl())).rejects.toMatchObject({
      retryAfterMs: DEFAULT_RETRY_AFTER_MS,
    });
    expect(adobe.count('GET', STATUS_PATH)).toBe(1);
  });

  test('401 invalidates the token, refreshes once and repeats once: 2 API requests', async () => {
    adobe.route('GET', STATUS_PATH, (req, res) =>
      req.headers.authorization === 'Bearer token-1'
        ? json(res, 401, { error_code: '401013', message: 'Oauth token is not valid' })
        : json(res, 200, succeeded),
    );
    const status = await client().getStatus(statusUrl());
    expect(status.state).toBe('succeeded');
    expect(adobe.count('GET', STATUS_PATH)).toBe(2);
    expect(adobe.count('POST', TOKEN_PATH)).toBe(2);
  });

  test('a submit answered 401 is not repeated: the token is dropped, the next submit gets a fresh one', async () => {
    adobe.route('POST', '/pie/psdService/renditionCreate', (req, res) =>
      req.headers.authorization === 'Bearer token-1'
        ? json(res, 401, { error_code: '401013', message: 'Oauth token is not valid' })
        : json(res, 202, { _links: { self: { href: `${adobe.origin}${STATUS_PATH}` } } }),
    );
    const c = client();
    const err = await c.submit('renditionCreate', renditionBody).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401 });
    expect(adobe.count('POST', '/pie/psdService/renditionCreate')).toBe(1);
    await expect(c.submit('renditionCreate', renditionBody)).resolves.toMatchObject({
      statusUrl: `${adobe.origin}${STATUS_PATH}`,
    });
    expect(adobe.count('POST', TOKEN_PATH)).toBe(2);
  });

  test('10 concurrent requests rejected with the same stale token cause one refresh', async () => {
    adobe.route('GET', STATUS_PATH, (req, res) =>
      req.headers.authorization === 'Bearer token-1'
        ? json(res, 401, { error_code: '401013', message: 'Oauth token is not valid' })
        : json(res, 200, succeeded),
    );
    const c = client();
    const all = await Promise.all(Array.from({ length: 10 }, () => c.getStatus(statusUrl())));
    expect(all.every((s) => s.state === 'succeeded')).toBe(true);
    expect(adobe.count('POST', TOKEN_PATH)).toBe(2);
    expect(adobe.count('GET', STATUS_PATH)).toBe(20);
  });

  test('401 twice surfaces the 401 after 2 API requests and 2 token requests', async () => {
    adobe.route('GET', STATUS_PATH, (_req, res) =>
      json(res, 401, { error_code: '401013', message: 'bad' }),
    );
    const err = await client()
      .getStatus(statusUrl())
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401 });
    expect(classifyError(err).action).toBe('refresh_auth');
    expect(adobe.count('GET', STATUS_PATH)).toBe(2);
    expect(adobe.count('POST', TOKEN_PATH)).toBe(2);
  });

  test('connection resets on the status GET are retried', async () => {
    adobe.route('GET', STATUS_PATH, (_req, res, n) => {
      if (n <= 2) res.socket?.destroy();
      else json(res, 200, succeeded);
    });
    await expect(client().getStatus(statusUrl())).resolves.toMatchObject({ state: 'succeeded' });
    expect(adobe.count('GET', STATUS_PATH)).toBe(3);
  });

  test('a status GET that keeps resetting: 4 requests, then a retryable NetworkError', async () => {
    adobe.route('GET', STATUS_PATH, (_req, res) => {
      res.socket?.destroy();
    });
    const err = await client()
      .getStatus(statusUrl())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(classifyError(err).action).toBe('retry');
    expect(adobe.count('GET', STATUS_PATH)).toBe(4);
  });
});

test('aborting during the back-off stops the retries at once', async () => {
  adobe.route('GET', STATUS_PATH, (_req, res) => json(res, 503, {}));
  const controller = new AbortController();
  const c = client({ retry: { retries: 3, baseDelayMs: 60_000 } });
  const pending = c.getStatus(statusUrl(), { signal: controller.signal }).catch((e: unknown) => e);
  while (adobe.count('GET', STATUS_PATH) === 0) await new Promise((r) => setImmediate(r));
  controller.abort();
  const err = (await pending) as Error;
  expect(err.name).toBe('AbortError');
  expect(adobe.count('GET', STATUS_PATH)).toBe(1);
});

describe('PhotoshopClient ambiguous submits', () => {
  test('a submit POST reset before the reply is not resent: SubmitOutcomeUnknownError after 1 request', async () => {
    adobe.route('POST', '/pie/psdService/renditionCreate', (_req, res) => {
      res.socket?.destroy();
    });
    const err = await client()
      .submit('renditionCreate', renditionBody)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubmitOutcomeUnknownError);
    expect(adobe.count('POST', '/pie/psdService/renditionCreate')).toBe(1);
    expect(classifyError(err)).toEqual({ action: 'fail', reason: 'submit_outcome_unknown' });
  });

  test('a submit POST that times out is not resent', async () => {
    adobe.route('POST', '/v2/create-composite', () => {
      // never answers: the client's timeout fires first
    });
    const body = {
      image: { source: { url: 'https://bucket.example/in.psd' } },
      outputs: [
        { destination: { url: 'https://bucket.example/out.jpg' }, mediaType: 'image/jpeg' },
      ],
    };
    const err = await client({ timeoutMs: 200 })
      .submit('v2.createComposite', body)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubmitOutcomeUnknownError);
    expect(adobe.count('POST', '/v2/create-composite')).toBe(1);
  });
});

describe('PhotoshopClient token trouble is not an API outcome', () => {
  test('IMS timing out during a submit: TokenUnavailableError (transient), no POST sent', async () => {
    adobe.route('POST', TOKEN_PATH, () => {
      // never answers: the token provider's timeout fires first
    });
    const auth = new ImsTokenProvider({
      imsBaseUrl: adobe.origin,
      clientId: 'client-id',
      clientSecret: 'client-secret',
      timeoutMs: 150,
    });
    const err = await client({ auth })
      .submit('renditionCreate', renditionBody)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenUnavailableError);
    expect(err).not.toBeInstanceOf(SubmitOutcomeUnknownError);
    expect((err as TokenUnavailableError).transient).toBe(true);
    expect(classifyError(err)).toEqual({ action: 'retry', reason: 'ims_unavailable' });
    expect(adobe.count('POST', '/pie/psdService/renditionCreate')).toBe(0);
  });

  test("IMS answering 429: transient with IMS's Retry-After, never a RateLimitedError", async () => {
    adobe.route('POST', TOKEN_PATH, (_req, res) => {
      res.setHeader('Retry-After', '7');
      json(res, 429, { error: 'too_many_requests' });
    });
    const err = await client()
      .submit('renditionCreate', renditionBody)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenUnavailableError);
    expect(err).not.toBeInstanceOf(RateLimitedError);
    expect((err as TokenUnavailableError).retryAfterMs).toBe(7_000);
    expect(adobe.count('POST', '/pie/psdService/renditionCreate')).toBe(0);
  });

  test('IMS refusing the credentials: not transient, classified as an auth failure', async () => {
    adobe.route('POST', TOKEN_PATH, (_req, res) => json(res, 400, { error: 'invalid_client' }));
    const err = await client()
      .getStatus(statusUrl())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenUnavailableError);
    expect((err as TokenUnavailableError).transient).toBe(false);
    expect(classifyError(err).action).toBe('refresh_auth');
  });
});

describe('PhotoshopClient guards', () => {
  test('a submit reply whose status link is on a foreign origin is refused at once, naming the job', async () => {
    adobe.route('POST', '/pie/psdService/renditionCreate', (_req, res) =>
      json(res, 202, {
        _links: { self: { href: 'https://elsewhere.example/pie/psdService/status/job-7' } },
      }),
    );
    const err = await client()
      .submit('renditionCreate', renditionBody)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForeignStatusUrlError);
    expect((err as ForeignStatusUrlError).jobId).toBe('job-7');
    expect((err as Error).message).toContain('https://elsewhere.example');
    expect(adobe.count('POST', '/pie/psdService/renditionCreate')).toBe(1);
  });

  test.each([
    'https://evil.example/pie/psdService/status/x',
    'http://localhost:1/pie/psdService/status/x',
  ])('a status URL on a foreign origin (%s) is refused with zero requests', async (url) => {
    await expect(client().getStatus(url)).rejects.toBeInstanceOf(ForeignStatusUrlError);
    expect(adobe.requests).toHaveLength(0);
  });

  test('the same host on another port is foreign', async () => {
    const other = new URL(adobe.origin);
    other.port = String(Number(other.port) + 1);
    await expect(client().getStatus(`${other.origin}${STATUS_PATH}`)).rejects.toBeInstanceOf(
      ForeignStatusUrlError,
    );
    expect(adobe.requests).toHaveLength(0);
  });

  test('a bad body is refused before any request, naming the field path and the rule', async () => {
    const bad = {
      inputs: renditionBody.inputs,
      outputs: [
        { href: 'https://x.example/o', storage: 'external', type: 'image/jpeg', quality: 9 },
      ],
    };
    const err = (await client()
      .submit('renditionCreate', bad)
      .catch((e: unknown) => e)) as RequestValidationError;
    expect(err).toBeInstanceOf(RequestValidationError);
    expect(err.issues).toContainEqual(
      expect.objectContaining({ path: 'outputs[0].quality', rule: 'too_big' }),
    );
    expect(adobe.requests).toHaveLength(0);
  });

  test('redirects are not followed', async () => {
    adobe.route('GET', STATUS_PATH, (_req, res) => {
      res.writeHead(302, { location: `${adobe.origin}/elsewhere` });
      res.end();
    });
    await expect(client().getStatus(statusUrl())).rejects.toMatchObject({ status: 302 });
    expect(adobe.count('GET', '/elsewhere')).toBe(0);
  });

  test('errors carry no query string and no token', async () => {
    adobe.route('GET', STATUS_PATH, (_req, res) => json(res, 404, { type: 'ResourceNotFound' }));
    const err = (await client()
      .getStatus(`${statusUrl()}?sig=very-secret`)
      .catch((e: unknown) => e)) as HttpError;
    expect(err.url).toBe(statusUrl());
    const text = `${err.message} ${JSON.stringify(err)} ${String(err.stack)}`;
    expect(text).not.toContain('very-secret');
    expect(text).not.toContain('token-1');
    expect(text).not.toContain('client-secret');
  });
});

test('an error body echoing a presigned href keeps no query string', async () => {
  adobe.route('POST', '/pie/psdService/renditionCreate', (_req, res) =>
    json(res, 403, {
      type: 'InputFileExistsErrors',
      title: 'Unable to access https://bucket.example/in.psd?X-Amz-Signature=abc',
      details: {
        name: 'https://bucket.example/in.psd?X-Amz-Signature=abc',
        reason: 'Unable to access the input href',
      },
    }),
  );
  const err = (await client()
    .submit('renditionCreate', renditionBody)
    .catch((e: unknown) => e)) as HttpError;
  expect(err.details).toEqual({
    name: 'https://bucket.example/in.psd',
    reason: 'Unable to access the input href',
  });
  expect(`${err.message} ${JSON.stringify(err)}`).not.toContain('X-Amz-Signature');
});

describe('PhotoshopClient happy paths', () => {
  test('v1 submit sends the documented headers and returns the status link and job id', async () => {
    adobe.route('POST', '/pie/psdService/renditionCreate', (_req, res) =>
      json(res, 202, { _links: { self: { href: statusUrl() } } }),
    );
    const result = await client().submit('renditionCreate', renditionBody);
    expect(result).toEqual({
      statusUrl: statusUrl(),
      jobId: 'de2415fb-82c6-47fc-b102-04ad651c5ed4',
    });
    const [sent] = adobe.requests.filter((r) => r.path === '/pie/psdService/renditionCreate');
    expect(sent?.headers).toMatchObject({
      authorization: 'Bearer token-1',
      'x-api-key': 'client-id',
      'x-gw-ims-org-id': 'org@AdobeOrg',
      'content-type': 'application/json',
    });
    expect(JSON.parse(sent?.body ?? '{}')).toEqual(renditionBody);
    expect(events.find((e) => e.endpointClass === 'submit')).toMatchObject({
      method: 'POST',
      status: 202,
      attempt: 1,
    });
  });

  test('v2 submit returns jobId and statusUrl; status normalises', async () => {
    adobe.route('POST', '/v2/execute-actions', (_req, res) =>
      json(res, 202, { jobId: 'j-1', statusUrl: `${adobe.origin}/v2/status/j-1` }),
    );
    adobe.route('GET', '/v2/status/j-1', (_req, res) =>
      json(res, 200, {
        jobId: 'j-1',
        status: 'succeeded',
        createdTime: '2025-01-01T00:00:00Z',
        result: {
          outputs: [{ destination: { url: 'https://o.example/a.png' }, mediaType: 'image/png' }],
        },
      }),
    );
    const c = client();
    const { statusUrl: url } = await c.submit('v2.executeActions', {
      image: { source: { url: 'https://i.example/in.psd' } },
      options: { actions: [{ source: { url: 'https://i.example/a.atn' } }] },
      outputs: [{ destination: { url: 'https://o.example/a.png' }, mediaType: 'image/png' }],
    });
    const status = await c.getStatus(url);
    expect(status).toMatchObject({
      state: 'succeeded',
      jobId: 'j-1',
      outputs: [{ href: 'https://o.example/a.png', type: 'image/png' }],
    });
  });

  test('a status link without the /pie prefix (one published example) is still read as Photoshop', async () => {
    adobe.route('GET', '/psdService/status/abc', (_req, res) => json(res, 200, succeeded));
    await expect(
      client().getStatus(`${adobe.origin}/psdService/status/abc`),
    ).resolves.toMatchObject({
      state: 'succeeded',
      outputs: [{ href: 'out', type: 'image/png' }],
    });
  });

  test('hello returns the welcome text', async () => {
    adobe.route('GET', '/pie/psdService/hello', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('Welcome to the Photoshop API!');
    });
    await expect(client().hello()).resolves.toBe('Welcome to the Photoshop API!');
  });

  test('an aborted signal stops the call', async () => {
    adobe.route('GET', STATUS_PATH, () => {
      // never answers
    });
    const controller = new AbortController();
    const pending = client().getStatus(statusUrl(), { signal: controller.signal });
    const waitForRequest = async () => {
      while (adobe.count('GET', STATUS_PATH) === 0) await new Promise((r) => setImmediate(r));
    };
    await waitForRequest();
    controller.abort();
    const err = await pending.catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(adobe.count('GET', STATUS_PATH)).toBe(1);
  });
});
