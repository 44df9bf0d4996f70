import { dirname } from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { redactValue } from '@darkroom/core';
import { type Queue } from 'bullmq';
import { type RequestHandler } from 'express';
import { editJobsInReply } from '../job-view/edit-job-view';
import { formatJobName, formatJobPayload } from '../job-view/format-job';

export interface BoardOptions {
  /** Where the board is mounted, already normalised (`/` or `/path` without a trailing slash). */
  basePath: string;
  /** Shown in the board's header. */
  title: string;
  /** True hides the action buttons and refuses retries: the viewers' board. */
  readOnlyMode: boolean;
  /** Links in the board's header menu, e.g. to the tenants page. */
  links?: { text: string; url: string }[];
  /** The runs page: an edit that is a step of a recipe run names its run's page. */
  runsPage?: string;
  /**
   * Queues shown without action buttons on every board: recipe runs queues, whose runs are
   * retried with `retryRun` (the CLI, the API), which retries the failed step first; BullMQ's own
   * retry of a run job would only meet the same failed step again.
   */
  lockedQueues?: ReadonlySet<string>;
}

/**
 * One Bull Board over `queues` as an Express router. Job names, data and return values go
 * through Darkroom's job formatters, edits in every API reply read as edits (a failure's reason
 * code and message rather than a stack trace, pick-ups rather than BullMQ's "started" count, the
 * page of the recipe run an edit is a step of), and every API reply goes through redaction.
 */
export function boardRouter(queues: readonly Queue[], options: BoardOptions): RequestHandler {
  const { basePath, title, readOnlyMode, links = [], runsPage, lockedQueues } = options;
  const view = runsPage ? { runsPage } : {};
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  const adapters = queues.map((queue) => {
    const locked = readOnlyMode || lockedQueues?.has(queue.name) === true;
    const adapter = new BullMQAdapter(queue, { readOnlyMode: locked, allowRetries: !locked });
    adapter.setFormatter('data', formatJobPayload);
    adapter.setFormatter('returnValue', formatJobPayload);
    adapter.setFormatter('name', formatJobName);
    return adapter;
  });
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: {
      uiBasePath: dirname(require.resolve('@bull-board/ui/package.json')),
      uiConfig: { boardTitle: title, hideDocsLink: true, miscLinks: links },
      // Failure reasons, stack traces, logs and options are not covered by the formatters;
      // the whole reply of every API call goes through the same redaction.
      handlerHooks: {
        after: (_context, result) => ({
          ...result,
          // Both keep the shape of what they copy, so the body type still holds.
          body: redactValue(editJobsInReply(result.body, view)) as typeof result.body,
        }),
      },
    },
  });
  return serverAdapter.getRouter() as RequestHandler;
}
