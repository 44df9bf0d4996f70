import { z } from 'zod';

const entrySchema = z.looseObject({
  position: z.string().min(1),
  event: z.unknown(),
});

/** A 200 page of Adobe's journal: entries in order, each with its position. */
export const journalPageSchema = z.looseObject({
  events: z.array(entrySchema),
  _page: z
    .looseObject({ last: z.string().min(1).optional(), count: z.number().optional() })
    .optional(),
});

export type JournalPage = z.infer<typeof journalPageSchema>;

/** Seconds or an HTTP date, as milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(
  header: string | string[] | undefined,
  now: number,
): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
