import { maskUrl } from './mask-url';

/**
 * `text` up to its first `?` or `#`, nothing else changed. It does not parse, so it works on any
 * href and keeps it byte for byte recognisable (a user name and password before `@` stay too):
 * for places that only ever see hrefs without credentials, such as the emulator naming the
 * objects a job read and wrote.
 */
export function withoutQuery(text: string): string {
  const cut = text.search(/[?#]/);
  return cut === -1 ? text : text.slice(0, cut);
}

/**
 * The URL without its query string or fragment, with its password and any Dropbox link token
 * replaced: the general way to show a URL in a log line, an error message or a dashboard. Text
 * that is not a URL loses everything after its first `?` or `#`.
 */
export function stripUrlQuery(url: string): string {
  return maskUrl(withoutQuery(url));
}

/**
 * Origin and path of a parsed URL, as the URL parser writes them (host in lower case, default
 * port dropped, path percent-encoded), with no user name, password, query string or fragment.
 * For error messages about HTTP calls, where the normalised form matches what was requested.
 *
 * @param unparseable what to return for text that does not parse as a URL. By default that text
 *   is returned cut at its first `?` or `#`; pass a placeholder where the text came from outside
 *   Darkroom (a storage service's reply) and echoing arbitrary text is itself a risk.
 */
export function urlOriginAndPath(url: string, unparseable?: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return unparseable ?? withoutQuery(url);
  }
  return `${parsed.origin}${parsed.pathname}`;
}
