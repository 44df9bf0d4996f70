import type { EditQueue } from '@darkroom/jobs';
import type { ChaosLoad } from './chaos-load';
import { pause, type ChaosSettings } from './chaos-settings';
import type { Disruptions } from './disruptions';
import type { FaultSchedule } from './fault-schedule';

const TICK_MS = 250;
/** Chaos stops past this share of finished jobs, so the tail drains instead of being killed. */
const QUIET_TAIL = 0.9;

interface LoopParts {
  settings: ChaosSettings;
  edits: EditQueue;
  load: ChaosLoad;
  faults: FaultSchedule;
  disruptions: Disruptions;
  breaches: string[];
  /** The run's start: the deadline counts from here. */
  started: number;
}

function pendingOf(counts: Record<string, number>): number {
  return (
    (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0)
  );
}

/**
 * Every 250 ms: reads the queue's counts, ends when every job is enqueued and finished and
 * nothing is pending (or at the deadline, a breach), and otherwise takes the throttle bursts,
 * kills, stops and restarts that are due.
 */
export async function runUntilDrained(parts: LoopParts): Promise<void> {
  const { settings, edits, load, breaches } = parts;
  const deadline = parts.started + settings.timeoutMs;
  let finished = 0;
  let lastCounts: Record<string, number> = {};
  for (;;) {
    await pause(TICK_MS);
    try {
      lastCounts = await edits.counts();
      finished = (lastCounts.completed ?? 0) + (lastCounts.failed ?? 0);
    } catch {
      // Redis is down for the restart; counts come back with it.
    }
    if (
      load.ids.length === settings.jobs &&
      finished >= settings.jobs &&
      pendingOf(lastCounts) === 0
    )
      return;
    if (Date.now() > deadline) {
      breaches.push(
        `queue did not drain in ${settings.timeoutMs} ms: ${JSON.stringify(lastCounts)}`,
      );
      return;
    }
    if (finished / settings.jobs > QUIET_TAIL) continue;
    parts.faults.tick(Date.now());
    await parts.disruptions.step(finished);
  }
}
