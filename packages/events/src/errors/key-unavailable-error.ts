import { EventsError } from './events-error';

/** The key server did not give a usable RSA public key for a path. */
export class KeyUnavailableError extends EventsError {
  constructor(
    readonly keyUrl: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`public key ${keyUrl} unavailable: ${reason}`, options);
  }
}
