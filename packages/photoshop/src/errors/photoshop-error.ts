/** Base of every error this package throws; messages never carry URLs' query strings or tokens. */
export class PhotoshopError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}
