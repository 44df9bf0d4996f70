import { z } from 'zod';

/** v1 service error body: `{type, code, title, details}` (details: object, string or list). */
export const v1ErrorBodySchema = z.looseObject({
  type: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
  title: z.string().optional(),
  details: z.unknown().optional(),
  error_code: z.string().optional(),
});
export type V1ErrorBody = z.infer<typeof v1ErrorBodySchema>;

/** Adobe I/O gateway error, sent before the request reaches the service (bad token, bad key). */
export const gatewayErrorBodySchema = z.looseObject({
  error_code: z.string(),
  message: z.string(),
});
export type GatewayErrorBody = z.infer<typeof gatewayErrorBodySchema>;

/** v2 error body (`ErrorResponse`): `{error_code, message, errors?}`. */
export const v2ErrorBodySchema = z.looseObject({
  error_code: z.string().optional(),
  message: z.string().optional(),
  errors: z
    .array(z.looseObject({ error_code: z.string().optional(), message: z.string().optional() }))
    .optional(),
});
export type V2ErrorBody = z.infer<typeof v2ErrorBodySchema>;

/** Any error body Adobe documents, for parsing a reply whose generation is unknown. */
export const adobeErrorBodySchema = z.union([v1ErrorBodySchema, v2ErrorBodySchema]);
