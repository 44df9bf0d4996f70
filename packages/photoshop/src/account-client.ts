import type { AccountConfig } from './account-config';
import { ImsTokenProvider } from './ims-token-provider';
import { PhotoshopClient, type PhotoshopClientOptions } from './photoshop-client';
import type { RequestEvent } from './request-event';

export interface AccountClientOptions {
  /** Per request to the Photoshop API, each attempt. @defaultValue 30_000 */
  timeoutMs?: number;
  /** Of the IMS token request. @defaultValue 10_000 */
  imsTimeoutMs?: number;
  /** Retries of 5xx replies. @defaultValue Adobe's three, as `PhotoshopClient` does */
  retry?: PhotoshopClientOptions['retry'];
  /** Called after every HTTP attempt, to IMS and to the API alike, for metrics. */
  onRequest?: (event: RequestEvent) => void;
}

/** What one account talks to Adobe with. */
export interface AccountClient {
  /** Submits and polls as the account. */
  client: PhotoshopClient;
  /**
   * The account's token source, which `client` uses too: ask it for a token to check the
   * credential on its own, or to make a request the client does not offer.
   */
  auth: ImsTokenProvider;
}

/**
 * A `PhotoshopClient` for one account, with an IMS token provider for its credential: the client
 * id doubles as the `x-api-key`, the org id (when set) is sent along, and both generations' base
 * URLs (and so the status-URL origins the client follows) come from the account.
 *
 * ```ts
 * const { client } = createAccountClient(accountSchema.parse(account), { timeoutMs: 30_000 });
 * const { statusUrl } = await client.submit('renditionCreate', body, { signal });
 * ```
 */
export function createAccountClient(
  account: AccountConfig,
  options: AccountClientOptions = {},
): AccountClient {
  const auth = new ImsTokenProvider({
    imsBaseUrl: account.imsUrl,
    clientId: account.clientId,
    clientSecret: account.clientSecret,
    scope: account.scope,
    ...(options.imsTimeoutMs === undefined ? {} : { timeoutMs: options.imsTimeoutMs }),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  const client = new PhotoshopClient({
    baseUrls: { v1: account.v1BaseUrl, v2: account.v2BaseUrl },
    apiKey: account.clientId,
    ...(account.orgId ? { orgId: account.orgId } : {}),
    auth,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  return { client, auth };
}
