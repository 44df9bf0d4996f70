import { EventsError } from './events-error';

/** The rules a public-key path must follow before any request is made for it. */
export type KeyPathRule =
  | 'not_a_string'
  | 'too_long'
  | 'no_scheme'
  | 'no_query_or_fragment'
  | 'must_start_with_slash'
  | 'no_empty_segments'
  | 'no_dot_segments'
  | 'plain_characters_only'
  | 'must_end_with_pem';

/**
 * A key path from a delivery header broke a rule. The path itself is not in the message: it came
 * from whoever sent the request.
 */
export class KeyPathError extends EventsError {
  readonly field = 'keyPath';
  constructor(readonly rule: KeyPathRule) {
    super(`public key path refused: ${rule}`);
  }
}
