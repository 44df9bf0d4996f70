import { z } from 'zod';

/**
 * One Adobe credential: an OAuth server-to-server client and the endpoints it talks to. The
 * `account` of a Darkroom job names one of these; apps read them from their environment.
 */
export const accountSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /**
   * IMS organization id (`…@AdobeOrg`). Adobe's rate limits hold per organization: accounts that
   * name the same org share one budget. It also names the org in `x-gw-ims-org-id`.
   */
  orgId: z
    .string()
    .regex(/^[A-Za-z0-9._@+-]{1,120}$/, 'an IMS org id: letters, digits and . _ @ + -')
    .optional(),
  scope: z.string().default('openid,AdobeID,read_organizations'),
  /** IMS base URL. @defaultValue https://ims-na1.adobelogin.com */
  imsUrl: z.url().default('https://ims-na1.adobelogin.com'),
  /** v1 API base URL. @defaultValue https://image.adobe.io */
  v1BaseUrl: z.url().default('https://image.adobe.io'),
  /** v2 API base URL. @defaultValue https://photoshop-api.adobe.io */
  v2BaseUrl: z.url().default('https://photoshop-api.adobe.io'),
});

/** An account after `accountSchema` filled in its defaults. */
export type AccountConfig = z.output<typeof accountSchema>;
