/** The default port of a URL's scheme, as a string. */
function effectivePort(url: URL): string {
  if (url.port) return url.port;
  return url.protocol === 'https:' ? '443' : '80';
}

/**
 * Whether `url` names a host on the allow-list: an entry `host:port` matches that host on that
 * port, an entry `host` matches it on any port. Host names compare without case; IPv6 entries
 * are written in brackets (`[::1]:8080`) as in a URL.
 */
export function isAllowListed(url: URL, allow: readonly string[] | undefined): boolean {
  if (!allow || allow.length === 0) return false;
  const host = url.hostname.toLowerCase();
  const hostPort = `${host}:${effectivePort(url)}`;
  return allow.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e === host || e === hostPort;
  });
}
