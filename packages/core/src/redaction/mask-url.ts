import { REDACTED } from './redacted';

/**
 * Query parameters that make a URL a credential: presigned S3 (`X-Amz-*`), Azure SAS (`sig`),
 * CloudFront (`Signature`, `Key-Pair-Id`, `Policy`), OAuth (`access_token`, `code`).
 */
const SIGNED_QUERY =
  /(?:^|[?&;]|%3F|%26)(?:x-amz-[a-z-]+|sig|signature|key-pair-id|policy|(?:access|refresh|id)_token|token|code|client_secret|api_?key|sas)(?:=|%3D)/i;

/**
 * One URL with its secret parts replaced and everything else kept, so it still says where it
 * points: the password (or a lone user name, which may be a token) before `@`, the path of a
 * Dropbox temporary link (its token lives there, not in the query), and a query string that
 * carries a signature or token. An unsigned query such as `?page=2` stays.
 */
export function maskUrl(url: string): string {
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
 * `text` with the password of every `scheme://user:password@` replaced and nothing else changed.
 *
 * Narrower than {@link redactSecrets} on purpose: it is meant for configuration values such as
 * `REDIS_URL`, which are printed so an operator can check them; a user name alone, a query string
 * or anything token-shaped in the value stays as configured.
 */
export function redactUrlPasswords(text: string): string {
  return text.replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]+@/g, `$1${REDACTED}@`);
}
