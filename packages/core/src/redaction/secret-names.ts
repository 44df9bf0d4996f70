/**
 * Field and header names whose value is a secret, as a regular-expression alternation. Also used
 * on its own by {@link redactSecrets} to find such fields inside serialized JSON.
 */
export const SECRET_FIELD_NAMES =
  '(?:proxy-)?authorization|cookie|set-cookie|password|passwd|secret|client[-_]?secret|(?:access|refresh|id|sas|session)?[-_]?token|api[-_]?key|x-api-key|connection[-_]?string|account[-_]?key|private[-_]?key';

/** The field names plus the query parameters of presigned S3 and Azure SAS URLs. */
const SECRET_NAME = new RegExp(
  `^(?:${SECRET_FIELD_NAMES}|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token)$`,
  'i',
);

/**
 * True for a field, header or query-parameter name whose value must never be shown, whatever its
 * spelling: `accessToken`, `access_token`, `client-secret`, `X-Amz-Signature`, `sig`, …
 *
 * The whole name must match: a secret word inside a longer field name (`tokenCount`,
 * `passwordChangedAt`) does not make the field a secret, and hiding it would hide useful data.
 */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Secret words as they appear inside environment-variable names. */
const SECRET_ENV_WORD = /SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL|SAS|CONNECTION_STRING/i;

/**
 * True for an environment-variable name whose value must never be shown.
 *
 * Unlike {@link isSecretName}, a secret word anywhere in the name is enough: variable names are
 * built by prefixing (`ADOBE_CLIENT_SECRET`, `DROPBOX_REFRESH_TOKEN`,
 * `AZURE_STORAGE_CONNECTION_STRING`), and an environment printed for diagnosis should rather hide
 * one harmless value too many than one secret.
 */
export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_WORD.test(name);
}

/**
 * True for a field name that holds a URL (`url`, `href`, `statusUrl`, `downloadLink`, …): such a
 * value is shown without its query string, since that is where presigned URLs keep their
 * signature.
 */
export function isUrlName(name: string): boolean {
  return /(?:url|uri|href|link)$/i.test(name);
}
