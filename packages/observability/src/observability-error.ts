/**
 * The base of the errors `@darkroom/observability` throws, so a caller can tell them from
 * anything else with one `instanceof`. Logging and metrics never fail the caller today; an error
 * this package adds later extends this. `name` is the subclass's name and `cause` is passed
 * through untouched.
 */
export class ObservabilityError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}
