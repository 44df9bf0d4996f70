export { coerceError } from './coerce-error';
export {
  EXIT_CODES,
  STOP_SIGNALS,
  interruptedExitCode,
  isConfigurationError,
  runUntilSignal,
} from './run-until-signal';
export type { Closable, RunUntilSignalOptions } from './run-until-signal';
export { REDACTED } from './redaction/redacted';
export { isSecretEnvName, isSecretName, isUrlName } from './redaction/secret-names';
export { redactSecrets } from './redaction/redact-secrets';
export { redactValue } from './redaction/redact-value';
export { redactUrlPasswords } from './redaction/mask-url';
export { stripUrlQuery, urlOriginAndPath, withoutQuery } from './redaction/url-without-query';
export { withoutUrlQueries } from './redaction/without-url-queries';
export { withoutUrls } from './redaction/without-urls';
export { CloseError, closeAll, closeOnce } from './close-all';
export type { Cleanup } from './close-all';
export { closeServer } from './close-server';
export type { ClosableServer } from './close-server';
export { abortableDelay } from './abortable-delay';
