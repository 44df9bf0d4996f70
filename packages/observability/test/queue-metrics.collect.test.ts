import { Registry } from 'prom-client';
import { QueueMetrics, type QueueSnapshot } from '../src';

describe('QueueMetrics', () => {
  it('reads the queues once per scrape and fills both gauges from that read', async () => {
    const register = new Registry();
    let reads = 0;
    let snapshots: QueueSnapshot[] = [
      {
        queue: 'darkroom-edits',
        counts: { waiting: 5, prioritized: 0, delayed: 2, active: 1, failed: 3 },
        oldestWaitingAgeSeconds: 120,
      },
      {
        queue: 'darkroom-bulk',
        counts: { waiting: 0, prioritized: 0, delayed: 0, active: 0, failed: 0, completed: 7 },
        oldestWaitingAgeSeconds: null,
      },
    ];
    new QueueMetrics({
      register,
      collect: () => {
        reads += 1;
        return Promise.resolve(snapshots);
      },
    });
    const text = await register.metrics();
    expect(reads).toBe(1);
    expect(text).toContain('darkroom_queue_jobs{queue="darkroom-edits",state="waiting"} 5');
    expect(text).toContain('darkroom_queue_jobs{queue="darkroom-edits",state="delayed"} 2');
    expect(text).not.toContain('darkroom_queue_jobs{queue="darkroom-edits",state="completed"}');
    expect(text).toContain('darkroom_queue_jobs{queue="darkroom-bulk",state="completed"} 7');
    expect(text).toContain('darkroom_queue_oldest_waiting_age_seconds{queue="darkroom-edits"} 120');
    expect(text).toContain('darkroom_queue_oldest_waiting_age_seconds{queue="darkroom-bulk"} 0');

    // A queue that disappears stops being reported on the next scrape.
    snapshots = snapshots.slice(0, 1);
    const next = await register.metrics();
    expect(reads).toBe(2);
    expect(next).not.toContain('darkroom-bulk');
  });

  it('counts a failed read and still serves the rest of the scrape', async () => {
    const register = new Registry();
    new QueueMetrics({ register, collect: () => Promise.reject(new Error('redis down')) });
    const text = await register.metrics();
    expect(text).toContain('darkroom_queue_collect_errors_total 1');
    expect(text).not.toContain('darkroom_queue_jobs{');
  });
});
