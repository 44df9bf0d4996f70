/**
 * The base of every error class of `@darkroom/emulator`, so a caller can tell the emulator's own
 * failures from anything else with one `instanceof`. `name` is the subclass's name and `cause` is
 * passed through untouched.
 */
export class EmulatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}
