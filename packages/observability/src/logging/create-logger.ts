import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, isUrlName, redactSecrets, stripUrlQuery } from './redact-secrets';

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

/** Field names redacted by path, at the top level and up to two levels down. */
const SECRET_FIELDS = [
  'authorization',
  'Authorization',
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
const HEADER_PATHS = [
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

function pathsFor(fields: string[]): string[] {
  return fields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
}

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
      paths: [...pathsFor(SECRET_FIELDS), ...pathsFor(URL_FIELDS), ...HEADER_PATHS],
      censor,
    },
    hooks: { streamWrite: redactSecrets },
  };
  return destination === undefined ? pino(loggerOptions) : pino(loggerOptions, destination);
}
