import { startServer, type TestServer } from './http-server';

export interface JournalDouble extends TestServer {
  url: string;
  entries: { position: string; event: unknown }[];
  /** Status to answer instead of the journal, while set. */
  failWith?: number;
  /** While true, requests get no answer at all. */
  hang: boolean;
  retryAfterSeconds: number;
  /** Origin written into `Link` headers; the journal's own when unset. */
  linkOrigin?: string;
}

/**
 * A journal in the place of Adobe's: entries after `since`, at most `limit` a page, a `Link`
 * rel=next on every page that has entries, 204 with `retry-after` when there is nothing new.
 * Requests without the expected bearer token get 401.
 */
export async function startJournal(token: string): Promise<JournalDouble> {
  // Assigned right below; the handler only runs once a request arrives.
  let double = undefined as unknown as JournalDouble;
  const server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://journal');
    if (double.hang) return;
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
    if (double.failWith !== undefined) return void res.writeHead(double.failWith).end();
    const since = url.searchParams.get('since');
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const start = since === null ? 0 : double.entries.findIndex((e) => e.position === since) + 1;
    const page = double.entries.slice(start, start + limit);
    if (page.length === 0) {
      return void res.writeHead(204, { 'retry-after': String(double.retryAfterSeconds) }).end();
    }
    const last = page[page.length - 1]?.position ?? '';
    const next = `${double.linkOrigin ?? ''}/events/journal?since=${encodeURIComponent(last)}&limit=${limit}`;
    res.writeHead(200, { 'content-type': 'application/json', link: `<${next}>; rel="next"` });
    res.end(JSON.stringify({ events: page, _page: { last, count: page.length } }));
  });
  double = Object.assign(server, {
    url: `${server.origin}/events/journal`,
    entries: [],
    hang: false,
    retryAfterSeconds: 5,
  });
  return double;
}
