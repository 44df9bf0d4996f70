import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { JournalReader } from '../src';
import { startJournal, type JournalDouble } from './support/journal-server';
import { jobStatusPayload } from './support/payloads';

const TOKEN = 'journal-token-0123456789';
const authHeaders = () => Promise.resolve({ authorization: `Bearer ${TOKEN}`, 'x-api-key': 'k' });

guardAgainstLeaks();

describe('JournalReader.run', () => {
  let journal: JournalDouble;
  let controller: AbortController;
  let running: Promise<void> | undefined;

  beforeEach(async () => {
    journal = await startJournal(TOKEN);
    controller = new AbortController();
    running = undefined;
  });
  afterEach(async () => {
    controller.abort();
    await running;
    await journal.close();
  });

  it('hands over new events as they arrive, waiting retry-after between empty reads', async () => {
    journal.retryAfterSeconds = 0.05;
    const positions: string[] = [];
    const reader = new JournalReader({
      url: journal.url,
      authHeaders,
      onEvents: (_events, position) => {
        positions.push(position);
        return Promise.resolve();
      },
    });
    running = reader.run(controller.signal);
    journal.entries.push({ position: 'p1', event: jobStatusPayload('a') });
    await waitFor(() => positions.includes('p1'), { what: 'p1 handed over' });
    journal.entries.push({ position: 'p2', event: jobStatusPayload('b') });
    await waitFor(() => positions.includes('p2'), { what: 'p2 handed over' });
    const sinces = journal.seen.map((r) => new URL(r.url, 'http://x').searchParams.get('since'));
    expect(sinces).toContain('p1');
  });

  it('stops promptly when aborted during a long retry-after', async () => {
    journal.retryAfterSeconds = 3600;
    const reader = new JournalReader({
      url: journal.url,
      authHeaders,
      onEvents: () => Promise.resolve(),
    });
    running = reader.run(controller.signal);
    await waitFor(() => journal.seen.length === 1, { what: 'the first read' });
    const started = Date.now();
    controller.abort();
    await running;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops promptly when aborted with a request in flight', async () => {
    journal.hang = true;
    const reader = new JournalReader({
      url: journal.url,
      authHeaders,
      onEvents: () => Promise.resolve(),
    });
    running = reader.run(controller.signal);
    await waitFor(() => journal.seen.length === 1, { what: 'the hanging request' });
    const started = Date.now();
    controller.abort();
    await running;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('backs off exponentially on errors, reports them, and recovers', async () => {
    journal.failWith = 503;
    journal.retryAfterSeconds = 3600;
    const errors: string[] = [];
    const errorTimes: number[] = [];
    const handed: string[] = [];
    const reader = new JournalReader({
      url: journal.url,
      authHeaders,
      backoff: { initialMs: 30, maxMs: 60 },
      onError: (error) => {
        errors.push(error.message);
        errorTimes.push(performance.now());
      },
      onEvents: (events) => {
        handed.push(...events.map((e) => e.jobId));
        return Promise.resolve();
      },
    });
    running = reader.run(controller.signal);
    await waitFor(() => errors.length >= 6, { what: 'six failed reads' });
    const gaps = errorTimes.slice(1, 6).map((t, i) => t - (errorTimes[i] ?? 0));
    // Waits of 30, 60, then 60 (the cap; uncapped the fifth would be 480), each plus one request;
    // 2 ms of slack for timer rounding.
    [30, 60, 60, 60, 60].forEach((wait, i) => expect(gaps[i]).toBeGreaterThanOrEqual(wait - 2));
    expect(gaps[4]).toBeLessThan(400);
    expect(errors[0]).toMatch(/status 503/);
    expect(errors.join(' ')).not.toContain(TOKEN);
    journal.entries.push({ position: 'p1', event: jobStatusPayload('a') });
    journal.failWith = undefined;
    await waitFor(() => handed.includes('a'), { what: 'recovery' });
  });
});
