import { coerceError, urlOriginAndPath } from '@darkroom/core';
import { EventPayloadError, HttpError } from '../errors';
import { httpGet } from '../http/http-get';
import { type ImagingJobEvent, parseEventPayload } from '../job-status-events';
import { abortableDelay } from '@darkroom/core';
import { type JournalPage, journalPageSchema, retryAfterMs } from './journal-page';
import { nextLink } from './link-header';

export interface JournalReaderOptions {
  /** The registration's journal URL, from the Developer Console or the registration API. */
  url: string;
  /** `Authorization: Bearer …` and `x-api-key`, asked for before every request. */
  authHeaders: () => Promise<Record<string, string>>;
  /** Position to read after; without it the journal is read from its oldest event. */
  since?: string;
  /** @defaultValue 100 */
  limit?: number;
  /**
   * Takes one page's job-status events (possibly none, when the page held only other event
   * codes) and the position after that page. Persist the position once the events are safe and
   * pass it as `since` on the next start; if this throws, the position does not move.
   */
  onEvents(events: ImagingJobEvent[], position: string): Promise<void>;
  /** Told about an entry whose payload has the wrong shape; it is skipped. */
  onMalformed?(error: EventPayloadError, position: string): void;
  /** Told about each failed read in `run`, before the backoff. */
  onError?(error: Error): void;
  /** @defaultValue 30000 */
  timeoutMs?: number;
  /** @defaultValue 16 MiB */
  maxPageBytes?: number;
  /** Wait after an empty read without `retry-after`. @defaultValue 10000 */
  idleMs?: number;
  /** Longest `retry-after` honoured. @defaultValue 300000 */
  maxRetryAfterMs?: number;
  /** Backoff after failed reads: doubles from `initialMs` up to `maxMs`. @defaultValue 1 s, 60 s */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** What one `readOnce` did. */
export interface JournalRead {
  /** Job-status events handed to `onEvents`. */
  events: number;
  /** Entries of other event codes, and malformed ones, passed over. */
  ignored: number;
  /** Position after the last page read (or the starting position). */
  position?: string;
  /** Set when the journal said there is nothing new: wait this long before reading again. */
  retryAfterMs?: number;
}

/** Reads a registration's Adobe I/O Events journal page by page (the pull mode). */
export class JournalReader {
  private readonly url: URL;
  private readonly limit: number;
  private position: string | undefined;

  constructor(private readonly options: JournalReaderOptions) {
    this.url = parseJournalUrl(options.url);
    this.limit = options.limit ?? 100;
    if (!Number.isInteger(this.limit) || this.limit < 1) {
      throw new TypeError('JournalReader option "limit": must be a positive integer');
    }
    this.position = options.since;
  }

  /**
   * Reads from the current position until the journal has nothing new or a page comes back less
   * than full, following each full page's `Link: <…>; rel="next"`.
   */
  async readOnce(signal?: AbortSignal): Promise<JournalRead> {
    const read: JournalRead = { events: 0, ignored: 0 };
    let url = this.pageUrl(this.position);
    for (;;) {
      const res = await httpGet(url, {
        headers: { ...(await this.options.authHeaders()), accept: 'application/json' },
        timeoutMs: this.options.timeoutMs ?? 30_000,
        maxBytes: this.options.maxPageBytes ?? 16 * 1024 * 1024,
        ...(signal ? { signal } : {}),
      });
      if (res.status === 204) {
        const wait = retryAfterMs(res.headers['retry-after'], Date.now());
        read.retryAfterMs = Math.min(
          wait ?? this.options.idleMs ?? 10_000,
          this.options.maxRetryAfterMs ?? 300_000,
        );
        return this.withPosition(read);
      }
      if (res.status !== 200) {
        throw new HttpError('GET', urlOriginAndPath(url.href), res.status, `status ${res.status}`);
      }
      const page = parsePage(res.body, url);
      if (page.events.length === 0) return this.withPosition(read);
      await this.handOver(page, read);
      if (page.events.length < this.limit || signal?.aborted) return this.withPosition(read);
      url = this.nextPageUrl(nextLink(res.headers.link, url));
    }
  }

  /**
   * Reads until `signal` aborts: again at once after a page, after `retry-after` when the
   * journal is empty, after an exponential backoff when a read fails. Resolves (never rejects)
   * promptly on abort, dropping any request in flight.
   */
  async run(signal: AbortSignal): Promise<void> {
    const initialMs = this.options.backoff?.initialMs ?? 1000;
    const maxMs = this.options.backoff?.maxMs ?? 60_000;
    let failures = 0;
    while (!signal.aborted) {
      let wait: number;
      try {
        const read = await this.readOnce(signal);
        failures = 0;
        const empty = read.events + read.ignored === 0;
        wait = read.retryAfterMs ?? (empty ? (this.options.idleMs ?? 10_000) : 0);
      } catch (err) {
        if (signal.aborted) break;
        failures += 1;
        this.options.onError?.(coerceError(err));
        wait = Math.min(maxMs, initialMs * 2 ** (failures - 1));
      }
      if (wait > 0) await abortableDelay(wait, signal);
    }
  }

  private async handOver(page: JournalPage, read: JournalRead): Promise<void> {
    const events: ImagingJobEvent[] = [];
    page.events.forEach((entry, index) => {
      try {
        const parsed = parseEventPayload(entry.event, `events[${index}].event`);
        if ('jobId' in parsed) events.push(parsed);
        else read.ignored += 1;
      } catch (err) {
        if (!(err instanceof EventPayloadError)) throw err;
        read.ignored += 1;
        this.options.onMalformed?.(err, entry.position);
      }
    });
    const position = page._page?.last ?? page.events[page.events.length - 1]?.position;
    if (position === undefined) return;
    await this.options.onEvents(events, position);
    this.position = position;
    read.events += events.length;
  }

  private pageUrl(since: string | undefined): URL {
    const url = new URL(this.url.href);
    if (since !== undefined) url.searchParams.set('since', since);
    url.searchParams.set('limit', String(this.limit));
    return url;
  }

  private nextPageUrl(link: URL | undefined): URL {
    if (link === undefined) return this.pageUrl(this.position);
    // The auth headers go with the request: never to another origin.
    if (link.origin !== this.url.origin) {
      throw new HttpError(
        'GET',
        urlOriginAndPath(this.url.href),
        200,
        'next link leaves the journal origin',
      );
    }
    return link;
  }

  private withPosition(read: JournalRead): JournalRead {
    if (this.position !== undefined) read.position = this.position;
    return read;
  }
}

function parseJournalUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError('JournalReader option "url": not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('JournalReader option "url": must be http or https');
  }
  return url;
}

function parsePage(body: Buffer, url: URL): JournalPage {
  const shown = urlOriginAndPath(url.href);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError('GET', shown, 200, 'body is not JSON');
  }
  const result = journalPageSchema.safeParse(json);
  if (!result.success) {
    const field = result.error.issues[0]?.path.join('.') ?? '';
    throw new HttpError('GET', shown, 200, `body is not a journal page (field "${field}")`);
  }
  return result.data;
}
