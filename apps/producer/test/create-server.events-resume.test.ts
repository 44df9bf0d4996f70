import { guardAgainstLeaks } from '@darkroom/testing';
import type { EditJobStatus, EnqueueResult } from '@darkroom/jobs';
import { auth, fakeResult, startApi, startWorker, type ApiHarness } from './support/api-harness';
import { readEvents, type SseEvent } from './support/sse';

guardAgainstLeaks();

const composite = {
  operation: 'v2.createComposite',
  input: 's3://darkroom-in/a.psd',
  outputs: [{ ref: 's3://darkroom-out/a.jpg', mediaType: 'image/jpeg' }],
};

describe('GET /v1/edits/:id/events resumes with Last-Event-ID', () => {
  let api: ApiHarness;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    api = await startApi({ eventsIntervalMs: 100 });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await api.close();
  });

  /** Opens the stream as EventSource does on a reconnection: with the last id it received. */
  const connect = (id: string, lastEventId?: string, signal?: AbortSignal) =>
    fetch(`${api.url}/v1/edits/${id}/events`, {
      headers: { ...auth, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      ...(signal ? { signal } : {}),
    });

  /** Every event of a stream until the server ends it. */
  const drain = async (res: Response): Promise<SseEvent[]> => {
    const events: SseEvent[] = [];
    for await (const event of readEvents(res)) events.push(event);
    return events;
  };

  const enqueue = async (): Promise<string> => {
    const res = await fetch(`${api.url}/v1/edits`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(composite),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as EnqueueResult).id;
  };

  it('skips what the client has seen, replays for an unknown id, and says 204 after the end', async () => {
    const id = await enqueue();

    // First connection: the job as it is now, with an id; then the client goes away.
    const first = new AbortController();
    const opened = await connect(id, undefined, first.signal);
    const [seen] = await (async () => {
      for await (const event of readEvents(opened)) return [event];
      return [];
    })();
    first.abort();
    expect(seen).toMatchObject({ event: 'status', data: { id, state: 'waiting' } });
    expect(seen?.id).toMatch(/^[0-9a-f]{24}$/);

    // Reconnected with that id: the unchanged waiting status is not sent again; the next event
    // is the change that happens while connected.
    const resumed = await connect(id, seen?.id);
    expect(resumed.status).toBe(200);
    const worker = startWorker(api.edits, () =>
      Promise.resolve(fakeResult('s3://darkroom-out/a.jpg')),
    );
    cleanups.push(() => worker.close());
    const events = await drain(resumed);
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['status', 'end']));
    expect(events.some((e) => (e.data as EditJobStatus).state === 'waiting')).toBe(false);
    const done = events.filter((e) => e.event === 'status').at(-1);
    expect(done).toMatchObject({ data: { state: 'completed' } });
    const end = events.at(-1);
    expect(end).toMatchObject({ event: 'end', data: { id, state: 'completed' } });
    expect(end?.id).toMatch(/^end-[0-9a-f]{24}$/);

    // The client had the end: nothing more, and EventSource stops on a 204.
    const after = await connect(id, end?.id);
    expect(after.status).toBe(204);

    // A client that saw the final status but lost the end gets only the end.
    const lostEnd = await drain(await connect(id, done?.id));
    expect(lostEnd).toEqual([{ id: end?.id, event: 'end', data: { id, state: 'completed' } }]);

    // An id the server cannot place: the current status is replayed, then the end.
    const unknown = await drain(await connect(id, 'not-an-event-of-this-job'));
    expect(unknown.map((e) => [e.event, e.id])).toEqual([
      ['status', done?.id],
      ['end', end?.id],
    ]);
  });
});
