/** Anything that can hand out a bearer token and forget it when Adobe rejects it. */
export interface TokenProvider {
  getToken(signal?: AbortSignal): Promise<string>;
  invalidate(): void;
}
