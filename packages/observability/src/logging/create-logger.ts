import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, isUrlName, redactSecrets, stripUrlQuery } from '@darkroom/core';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /**
   * Lowest level written.
   * @defaultValue `'info'`
   */
  level?: LoggerOptions['level'];
  /** The service name carried by every line (`darkroom-worker`, `darkroom-dashboard`, ...). */
  name?: string;
  /**
   * Where lines go: a pino destination or any writable stream. Tests pass a stream that
   * collects lines.
   * @defaultValue standard output
   */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Fields added to every line. */
  base?: Record<string, unknown>;
}

/**
 * Secret fields redacted by path. Paths are exact, without `*` wildcards: a wildcard makes
 * fast-redact visit every key of every object and cut pino's throughput about tenfold
 * (`pnpm bench`). Secret-named fields anywhere else are still caught by the line scrub, which
 * matches them by name at any depth.
 */
const SECRET_FIELDS = [
  'authorization',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'password',
  'apiKey',
  'api_key',
  'sasToken',
  'connectionString',
  'accountKey',
  'cookie',
];
const URL_FIELDS = ['url', 'href', 'statusUrl', 'uploadUrl', 'downloadUrl', 'presignedUrl', 'link'];
/** Objects that commonly carry HTTP headers or a request URL: Node, undici and error shapes. */
const CONTAINERS = ['req', 'res', 'request', 'response', 'config', 'options', 'err', 'error'];
const HEADER_NAMES = [
  'authorization',
  'cookie',
  '"set-cookie"',
  '"x-api-key"',
  '"x-gw-ims-org-id"',
];

const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...URL_FIELDS,
  ...HEADER_NAMES.map((h) => `headers.${h}`),
  ...CONTAINERS.flatMap((c) => [
    `${c}.url`,
    `${c}.href`,
    ...SECRET_FIELDS.map((f) => `${c}.${f}`),
    ...HEADER_NAMES.map((h) => `${c}.headers.${h}`),
  ]),
];

/** Secret fields become `[redacted]`; URL fields keep their path so a line is still useful. */
function censor(value: unknown, path: string[]): unknown {
  const field = path[path.length - 1] ?? '';
  if (typeof value === 'string' && isUrlName(field)) return stripUrlQuery(value);
  return REDACTED;
}

/**
 * A pino logger writing one JSON line per event. Secrets are removed twice: by field path
 * (known names such as `authorization`, `token`, `clientSecret`, URL fields lose their query),
 * and then every serialized line passes through {@link redactSecrets}, so a presigned URL or a
 * token inside an error message or an unexpected field is removed too.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const { level = 'info', name, destination, base } = options;
  const loggerOptions: LoggerOptions = {
    level,
    base: { ...(name === undefined ? {} : { name }), ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: REDACT_PATHS,
      censor,
    },
    hooks: { streamWrite: redactSecrets },
  };
  return destination === undefined ? pino(loggerOptions) : pino(loggerOptions, destination);
}
