import type { EditQueue } from '@darkroom/jobs';
import { queueRedis } from '../server/usage-route';

/** How far back `watch` counts finished edits for its pace: the last minute. */
export const PACE_WINDOW_MS = 60_000;

export interface Pace {
  windowSeconds: number;
  /** Edits that completed in the window, per minute. */
  completedPerMinute: number;
  /** Edits that failed (cancelled ones too) in the window, per minute. */
  failedPerMinute: number;
  /** Edits not finished yet: waiting (parked ones too), prioritized, delayed and active. */
  backlog: number;
  /** When the backlog is done at this pace; `null` when nothing finished in the window. */
  etaSeconds: number | null;
}

/**
 * The pace at which edits finish and the backlog's ETA at that pace. BullMQ keeps finished jobs
 * in sorted sets scored by their finish time, so one ZCOUNT per set is the exact number finished
 * in the window: a single snapshot (`--once`) has a pace, and a restarted `watch` loses nothing.
 */
export async function readPace(
  edits: EditQueue,
  counts: Record<'waiting' | 'prioritized' | 'delayed' | 'active', number>,
  now = Date.now(),
): Promise<Pace> {
  const redis = await queueRedis(edits);
  const since = now - PACE_WINDOW_MS;
  const [completed, failed] = await Promise.all([
    redis.zcount(edits.queue.toKey('completed'), since, '+inf'),
    redis.zcount(edits.queue.toKey('failed'), since, '+inf'),
  ]);
  const perMinute = (n: number): number => (n * 60_000) / PACE_WINDOW_MS;
  const backlog = counts.waiting + counts.prioritized + counts.delayed + counts.active;
  const finishing = perMinute(completed + failed);
  return {
    windowSeconds: PACE_WINDOW_MS / 1000,
    completedPerMinute: perMinute(completed),
    failedPerMinute: perMinute(failed),
    backlog,
    etaSeconds: backlog === 0 ? 0 : finishing > 0 ? Math.ceil((backlog / finishing) * 60) : null,
  };
}

/** `45s`, `12m 05s`, `3h 20m`, `2d 4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** The pace as one line of text. */
export function paceLine(p: Pace): string {
  const rate = `${p.completedPerMinute} completed and ${p.failedPerMinute} failed per minute (last ${p.windowSeconds} s)`;
  const eta =
    p.backlog === 0
      ? 'no backlog'
      : p.etaSeconds === null
        ? `backlog ${p.backlog}, ETA unknown: nothing finished in the last ${p.windowSeconds} s`
        : `backlog ${p.backlog}, ETA ${formatDuration(p.etaSeconds)} at this pace`;
  return `pace: ${rate}; ${eta}`;
}
