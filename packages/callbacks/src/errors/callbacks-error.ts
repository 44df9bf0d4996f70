/** The base of every error this package throws on purpose. */
export class CallbacksError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = this.constructor.name;
  }
}
