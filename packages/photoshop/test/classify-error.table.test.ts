import {
  ForeignStatusUrlError,
  HttpError,
  NetworkError,
  RateLimitedError,
  RemoteJobFailedError,
  RequestValidationError,
  SubmitOutcomeUnknownError,
  TimeoutError,
  UnknownOperationError,
  classifyError,
  parseRetryAfter,
  DEFAULT_RETRY_AFTER_MS,
} from '../src';

const http = (status: number) =>
  new HttpError({ status, method: 'POST', url: 'https://image.adobe.io/x' });

describe('classifyError', () => {
  test.each([
    [http(500), 'retry'],
    [http(502), 'retry'],
    [http(503), 'retry'],
    [http(504), 'retry'],
    [http(520), 'retry'],
    [http(401), 'refresh_auth'],
    [http(402), 'fail'],
    [http(400), 'fail'],
    [http(403), 'fail'],
    [http(404), 'fail'],
    [http(409), 'fail'],
    [http(410), 'fail'],
    [http(415), 'fail'],
    [http(422), 'fail'],
    [new RateLimitedError({ method: 'GET', url: 'u', retryAfterMs: 1 }), 'slow_down'],
    [new TimeoutError('GET', 'u', 10), 'retry'],
    [new NetworkError('GET', 'u', 'ECONNRESET'), 'retry'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'retry'],
    [new SubmitOutcomeUnknownError('renditionCreate', 'u'), 'fail'],
    [new RemoteJobFailedError({ type: 'InputValidationError', code: '400' }), 'fail'],
    [new RemoteJobFailedError({ type: 'FileLinkInvalidError', code: 410 }), 'fail'],
    [new RemoteJobFailedError({ type: 'InternalServiceError', code: 500 }), 'retry'],
    [new RemoteJobFailedError({ code: '503' }), 'retry'],
    [new RemoteJobFailedError({ type: 'runtime_error' }), 'retry'],
    [new RequestValidationError([]), 'fail'],
    [new ForeignStatusUrlError('https://evil.example', []), 'fail'],
    [new UnknownOperationError('x'), 'fail'],
    [new DOMException('aborted', 'AbortError'), 'retry'],
    ['a string', 'fail'],
  ] as const)('%s → %s', (err, action) => {
    expect(classifyError(err).action).toBe(action);
    expect(classifyError(err).reason).toMatch(/^[a-z0-9_]+$/);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  test.each([
    ['3', 3_000],
    ['0', 0],
    ['1.5', 1_500],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['', DEFAULT_RETRY_AFTER_MS],
    ['soon', DEFAULT_RETRY_AFTER_MS],
    [undefined, DEFAULT_RETRY_AFTER_MS],
  ])('%s → %i ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});
