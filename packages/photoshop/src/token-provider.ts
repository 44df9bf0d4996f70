/** Anything that can hand out a bearer token and forget it when Adobe rejects it. */
export interface TokenProvider {
  getToken(signal?: AbortSignal): Promise<string>;
  /**
   * Forget the current token after Adobe rejected it. `rejectedToken`, when given, lets a provider
   * ignore a late report about a token it has already replaced.
   */
  invalidate(rejectedToken?: string): void;
}
