import type { AddressRange } from '../target/address-ranges';
import { CallbackInputError } from './callback-input-error';

/** The field every callback URL error names. */
export const CALLBACK_URL_FIELD = 'callback.url';

/**
 * A callback URL Darkroom refuses to call. `rule` is one of `url`, `https`, `userinfo`, `dns`
 * and `public-address`; for `public-address`, `range` names the kind of address it resolved to.
 * Messages show the URL as origin and path only.
 */
export class CallbackUrlError extends CallbackInputError {
  readonly range: AddressRange | undefined;

  constructor(rule: string, message: string, range?: AddressRange) {
    super(CALLBACK_URL_FIELD, rule, message);
    this.range = range;
  }
}
