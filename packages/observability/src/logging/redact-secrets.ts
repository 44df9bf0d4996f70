/** What replaces a secret in logs, errors and dashboard views. */
export const REDACTED = '[redacted]';

/**
 * Names of fields and query parameters whose value is a secret, whatever the spelling:
 * `accessToken`, `access_token`, `client-secret`, `X-Amz-Signature`, `sig`, ...
 */
const SECRET_NAME =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|client[-_]?secret|(?:access|refresh|id|sas|session)?[-_]?token|api[-_]?key|x-api-key|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|connection[-_]?string|account[-_]?key|private[-_]?key)$/i;

/** True for a field or parameter name whose value must never be shown. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True for a field name that holds a URL (`url`, `href`, `statusUrl`, `downloadLink`, ...). */
export function isUrlName(name: string): boolean {
  return /(?:url|uri|href|link)$/i.test(name);
}

/**
 * Query parameters that make a URL a credential: presigned S3 (`X-Amz-*`), Azure SAS (`sig`),
 * CloudFront (`Signature`, `Key-Pair-Id`, `Policy`), OAuth (`access_token`, `code`).
 */
const SIGNED_QUERY =
  /(?:^|[?&;]|%3F|%26)(?:x-amz-[a-z-]+|sig|signature|key-pair-id|policy|(?:access|refresh|id)_token|token|code|client_secret|api_?key|sas)(?:=|%3D)/i;

/** Characters that end a URL inside a log line, JSON string, HTML attribute or prose. */
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>\\`]+/gi;

/**
 * The URL without its query string, fragment or password: safe to show in an error message,
 * a log line or a dashboard. Text that does not parse as a URL loses everything after `?`/`#`.
 */
export function stripUrlQuery(url: string): string {
  const cut = url.search(/[?#]/);
  const base = cut === -1 ? url : url.slice(0, cut);
  return redactUrl(base);
}

function redactUrl(url: string): string {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd === -1) return url;
  const afterScheme = schemeEnd + 3;
  const pathStart = url.slice(afterScheme).search(/[/?#]/);
  const authorityEnd = pathStart === -1 ? url.length : afterScheme + pathStart;
  let authority = url.slice(afterScheme, authorityEnd);
  let rest = url.slice(authorityEnd);

  const at = authority.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    authority = `${colon === -1 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`}@${authority.slice(at + 1)}`;
  }
  const host = authority
    .slice(authority.lastIndexOf('@') + 1)
    .replace(/:\d+$/, '')
    .toLowerCase();

  // Dropbox temporary links carry their token in the path, not the query.
  if (host.endsWith('.dl.dropboxusercontent.com')) {
    rest = rest.length > 0 ? `/${REDACTED}` : rest;
  } else if (host === 'content.dropboxapi.com') {
    rest = rest.replace(/^(\/apitul\/[^/?#]+\/)[^?#]*/i, `$1${REDACTED}`);
  }

  const q = rest.indexOf('?');
  if (q !== -1) {
    const query = rest.slice(q);
    if (SIGNED_QUERY.test(query)) {
      const hash = query.indexOf('#');
      rest = `${rest.slice(0, q)}?${REDACTED}${hash === -1 ? '' : query.slice(hash)}`;
    }
  }
  return `${url.slice(0, afterScheme)}${authority}${rest}`;
}

/**
 * `name=value` pairs outside a URL, or inside one that was URL-encoded into another (`%26`,
 * `%3F`, `%3D`): presigning parameters, OAuth tokens, the `Signature=`/`Credential=` parts of an
 * AWS `Authorization` header, and the `AccountKey=`/`SharedAccessSignature=` of Azure
 * connection strings.
 */
const SECRET_PAIR =
  /(^|[\s?&;,"'({[]|%26|%3F)((?:x-amz-(?:signature|credential|security-token))|sig|signature|credential|(?:access|refresh|id)_token|client_secret|password|api_?key|accountkey|sharedaccesssignature)(=|%3D)(?!\[redacted\])(?:(?!%26)[^&\s"'<>\\,;)}\]])+/gi;

/** Field names whose value is a secret, as a regular-expression alternation. */
const SECRET_FIELD_NAMES =
  '(?:proxy-)?authorization|cookie|set-cookie|password|passwd|secret|client[-_]?secret|(?:access|refresh|id|sas|session)?[-_]?token|api[-_]?key|x-api-key|connection[-_]?string|account[-_]?key|private[-_]?key';

const SECRET_JSON_FIELD = new RegExp(
  `"(${SECRET_FIELD_NAMES})"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`,
  'gi',
);

/** The same field inside a JSON string that was itself serialized into JSON (`{\\"token\\":...}`). */
const SECRET_ESCAPED_JSON_FIELD = new RegExp(
  `\\\\"(${SECRET_FIELD_NAMES})\\\\"(\\s*:\\s*)\\\\"[^"]*?\\\\"`,
  'gi',
);

/**
 * `Bearer`/`Basic` credentials. Eight characters at least and not a `realm=` challenge, so prose
 * ("Basic auth", "a Bearer token") and `WWW-Authenticate` headers stay readable.
 */
const BEARER = /\b(Bearer|Basic)\s+(?!realm=)[A-Za-z0-9\-._~+/]{8,}=*/gi;

/**
 * Removes secrets from any text, wherever they sit: the signed part of presigned S3 and Azure
 * SAS URLs, Dropbox temporary-link tokens, passwords in URLs, `Bearer` and `Basic` credentials,
 * `access_token=`-style pairs and secret-named JSON fields. Ordinary text is left alone.
 *
 * This is the last line of defence, run over every serialized log line; field-level redaction
 * happens earlier, where the shape of the data is known.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_PATTERN, (url) => redactUrl(url))
    .replace(
      SECRET_PAIR,
      (_m, lead: string, name: string, eq: string) => `${lead}${name}${eq}${REDACTED}`,
    )
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(
      SECRET_JSON_FIELD,
      (_m, name: string, colon: string) => `"${name}"${colon}"${REDACTED}"`,
    )
    .replace(
      SECRET_ESCAPED_JSON_FIELD,
      (_m, name: string, colon: string) => `\\"${name}\\"${colon}\\"${REDACTED}\\"`,
    );
}

/**
 * A deep copy of `value` fit to show: secret-named fields replaced, URL-named fields without
 * their query string, every string passed through {@link redactSecrets}.
 */
export function redactValue(value: unknown, key?: string): unknown {
  return redactNode(value, key, new Set<object>());
}

function redactNode(value: unknown, key: string | undefined, ancestors: Set<object>): unknown {
  if (key !== undefined && isSecretName(key) && value !== null && value !== undefined) {
    return REDACTED;
  }
  if (typeof value === 'string') {
    return redactSecrets(key !== undefined && isUrlName(key) ? stripUrlQuery(value) : value);
  }
  if (value === null || typeof value !== 'object') return value;
  // Only a cycle is cut; an object referenced twice side by side is copied twice.
  if (ancestors.has(value)) return '[circular]';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactNode(item, undefined, ancestors));
    if (value instanceof Error) return { name: value.name, message: redactSecrets(value.message) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactNode(v, k, ancestors);
    return out;
  } finally {
    ancestors.delete(value);
  }
}
