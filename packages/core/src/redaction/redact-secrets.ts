import { maskUrl } from './mask-url';
import { REDACTED } from './redacted';
import { SECRET_FIELD_NAMES } from './secret-names';

/** Characters that end a URL inside a log line, JSON string, HTML attribute or prose. */
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>\\`]+/gi;

/**
 * `name=value` pairs outside a URL, or inside one that was URL-encoded into another (`%26`,
 * `%3F`, `%3D`): presigning parameters, OAuth tokens, the `Signature=`/`Credential=` parts of an
 * AWS `Authorization` header, and the `AccountKey=`/`SharedAccessSignature=` of Azure
 * connection strings.
 */
const SECRET_PAIR =
  /(^|[\s?&;,"'({[]|%26|%3F)((?:x-amz-(?:signature|credential|security-token))|sig|signature|credential|(?:access|refresh|id)_token|client_secret|password|api_?key|accountkey|sharedaccesssignature)(=|%3D)(?!\[redacted\])(?:(?!%26)[^&\s"'<>\\,;)}\]])+/gi;

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
 * `access_token=`-style pairs and secret-named JSON fields. Ordinary text, storage references
 * and unsigned URLs are left alone, and running it twice changes nothing more.
 *
 * This is the last line of defence, run over every serialized log line and every message a
 * command prints; field-level redaction ({@link redactValue}) happens earlier, where the shape of
 * the data is known.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_PATTERN, (url) => maskUrl(url))
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
