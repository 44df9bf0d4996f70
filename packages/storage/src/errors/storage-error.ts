/** The base of every error @darkroom/storage throws; `cause` is passed through untouched. */
export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}
