import { guardAgainstLeaks } from '@darkroom/testing';
import { HttpError, type ImagingJobEvent, JournalReader } from '../src';
import { startJournal, type JournalDouble } from './support/journal-server';
import { jobStatusPayload } from './support/payloads';

const TOKEN = 'journal-token-0123456789';
const authHeaders = () => Promise.resolve({ authorization: `Bearer ${TOKEN}`, 'x-api-key': 'k' });

guardAgainstLeaks();

describe('JournalReader.readOnce', () => {
  let journal: JournalDouble;
  let pages: { jobIds: string[]; position: string }[];
  const onEvents = (events: ImagingJobEvent[], position: string) => {
    pages.push({ jobIds: events.map((e) => e.jobId), position });
    return Promise.resolve();
  };

  beforeEach(async () => {
    pages = [];
    journal = await startJournal(TOKEN);
  });
  afterEach(() => journal.close());

  function addEntries(count: number, first = 1): void {
    for (let i = first; i < first + count; i += 1) {
      journal.entries.push({ position: `pos-${i}`, event: jobStatusPayload(`job-${i}`) });
    }
  }

  it('follows Link rel=next while pages are full and hands each page over with its position', async () => {
    addEntries(5);
    const reader = new JournalReader({ url: journal.url, authHeaders, limit: 2, onEvents });
    const read = await reader.readOnce();
    expect(read).toEqual({ events: 5, ignored: 0, position: 'pos-5' });
    expect(pages).toEqual([
      { jobIds: ['job-1', 'job-2'], position: 'pos-2' },
      { jobIds: ['job-3', 'job-4'], position: 'pos-4' },
      { jobIds: ['job-5'], position: 'pos-5' },
    ]);
    expect(journal.seen.map((r) => r.url)).toEqual([
      '/events/journal?limit=2',
      '/events/journal?since=pos-2&limit=2',
      '/events/journal?since=pos-4&limit=2',
    ]);
    expect(journal.seen[0]?.headers['x-api-key']).toBe('k');
  });

  it('starts after `since` and reports retry-after when there is nothing new (204)', async () => {
    addEntries(3);
    journal.retryAfterSeconds = 7;
    const reader = new JournalReader({ url: journal.url, authHeaders, since: 'pos-3', onEvents });
    expect(await reader.readOnce()).toEqual({
      events: 0,
      ignored: 0,
      position: 'pos-3',
      retryAfterMs: 7000,
    });
    expect(journal.seen[0]?.url).toBe('/events/journal?since=pos-3&limit=100');
    expect(pages).toEqual([]);
  });

  it('moves on from where it stopped on the next read', async () => {
    addEntries(2);
    const reader = new JournalReader({ url: journal.url, authHeaders, onEvents });
    await reader.readOnce();
    addEntries(1, 3);
    expect(await reader.readOnce()).toMatchObject({ events: 1, position: 'pos-3' });
  });

  it('keeps its position when onEvents throws, so the page is read again', async () => {
    addEntries(2);
    let fail = true;
    const reader = new JournalReader({
      url: journal.url,
      authHeaders,
      onEvents: (events, position) =>
        fail ? Promise.reject(new Error('store down')) : onEvents(events, position),
    });
    await expect(reader.readOnce()).rejects.toThrow('store down');
    fail = false;
    expect(await reader.readOnce()).toMatchObject({ events: 2, position: 'pos-2' });
  });

  it('passes over other event codes and malformed entries, still advancing the position', async () => {
    journal.entries.push(
      { position: 'p1', event: jobStatusPayload('x', { eventCode: 'com.adobe.other' }) },
      { position: 'p2', event: { event_id: 'e' } },
      { position: 'p3', event: jobStatusPayload('job-3') },
    );
    const malformed: string[] = [];
    const reader = new JournalReader({
      url: journal.url,
      authHeaders,
      onEvents,
      onMalformed: (error, position) => malformed.push(`${position}:${error.field}`),
    });
    expect(await reader.readOnce()).toEqual({ events: 1, ignored: 2, position: 'p3' });
    expect(pages).toEqual([{ jobIds: ['job-3'], position: 'p3' }]);
    expect(malformed).toEqual(['p2:events[1].event.event']);
  });

  it('fails with the status and never the auth headers', async () => {
    journal.failWith = 500;
    const reader = new JournalReader({
      url: `${journal.url}?sig=presigned`,
      authHeaders,
      onEvents,
    });
    const error = await reader.readOnce().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 500 });
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('presigned');
  });

  it('refuses a next link to another origin', async () => {
    addEntries(2);
    const hostile = await startJournal(TOKEN);
    try {
      journal.linkOrigin = hostile.origin;
      const reader = new JournalReader({ url: journal.url, authHeaders, limit: 1, onEvents });
      await expect(reader.readOnce()).rejects.toThrow(/next link leaves the journal origin/);
      expect(hostile.seen).toHaveLength(0);
    } finally {
      await hostile.close();
    }
  });
});
