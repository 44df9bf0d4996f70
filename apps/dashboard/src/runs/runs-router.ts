import { redactValue } from '@darkroom/core';
import { runsQueueName, type RecipeRunStatus } from '@darkroom/jobs';
import { Router, type Request, type Response } from 'express';
import { latestRuns } from './latest-runs';
import { type RunSource } from './run-readers';
import {
  renderRunPage,
  renderRunsList,
  renderRunsProblem,
  RUNS_PAGE_CSP,
  type QueueRuns,
  type RunsLinks,
} from './runs-page';
import { parseRunsQuery, RunsQueryError, type RunsQuery } from './runs-query';

export interface RunsRouterOptions {
  /** The edit queues whose runs are shown, and their `EditQueue`s (owned and closed elsewhere). */
  source: RunSource;
  /** Where the board is mounted, already normalised (`/` or `/path`). */
  basePath: string;
}

/** The runs page's paths under `basePath`. */
export function runsPaths(basePath: string): { html: string; json: string; board: string } {
  const base = basePath === '/' ? '' : basePath;
  return { html: `${base}/runs`, json: `${base}/runs.json`, board: `${base}/` };
}

/** What a request found: one run and its edit queue, the lists, or no such run. */
type Answer =
  | { kind: 'run'; queue: string; run: RecipeRunStatus }
  | { kind: 'list'; queues: QueueRuns[] }
  | { kind: 'not_found'; message: string };

/**
 * `GET <basePath>/runs` (HTML) and `GET <basePath>/runs.json`: with `id`, one recipe run (its
 * steps, each step's edit linking to the board, its outputs or failure); without, the newest runs
 * of each edit queue, optionally of one state of its runs queue. Runs are read with
 * `EditQueue.getRun`, and everything shown goes through the same redaction as the board's job
 * views. Mounted after the credential check, so any role may read them; nothing here writes.
 */
export function runsRouter(options: RunsRouterOptions): Router {
  const { source } = options;
  const paths = runsPaths(options.basePath);
  const links: RunsLinks = { page: paths.html, json: paths.json, board: paths.board };
  const router = Router();

  const find = async (query: RunsQuery): Promise<Answer> => {
    const queues = query.queue ? [query.queue] : source.queues;
    if (query.id !== undefined) {
      const id = query.id;
      // A run id is unique in practice; one idempotency key used on two edit queues names a run
      // in each, and `queue` tells them apart.
      for (const queue of queues) {
        const run = await source.edits(queue).getRun(id);
        if (run) return { kind: 'run', queue, run: redactValue(run) as RecipeRunStatus };
      }
      return { kind: 'not_found', message: `no run ${id} in ${queues.join(', ')}` };
    }
    const found = await Promise.all(
      queues.map(async (queue) => ({
        queue,
        runsQueue: runsQueueName(queue),
        runs: await latestRuns(source.edits(queue), query.state ? { state: query.state } : {}),
      })),
    );
    return { kind: 'list', queues: redactValue(found) as QueueRuns[] };
  };

  /** The answer, or the reply already sent: 400 naming the parameter and rule, 503 without Redis. */
  const answer = async (
    req: Request,
    res: Response,
    invalid: (err: RunsQueryError) => void,
  ): Promise<{ query: RunsQuery; found: Answer } | undefined> => {
    res.set('Cache-Control', 'no-store');
    try {
      const query = parseRunsQuery(req.query, source.queues);
      return { query, found: await find(query) };
    } catch (err) {
      if (err instanceof RunsQueryError) {
        invalid(err);
        return undefined;
      }
      // Redis's own error text stays out of the reply, as on the other pages.
      res.status(503).json({ error: 'unavailable', message: 'runs could not be read from Redis' });
      return undefined;
    }
  };

  router.get(paths.json, async (req, res) => {
    const answered = await answer(req, res, (err) => {
      res
        .status(400)
        .json({ error: 'invalid_query', field: err.field, rule: err.rule, message: err.message });
    });
    if (!answered) return;
    const { found } = answered;
    if (found.kind === 'not_found') {
      res.status(404).json({ error: 'not_found', message: found.message });
    } else if (found.kind === 'run') {
      res.json({ queue: found.queue, run: found.run });
    } else {
      res.json({ queues: found.queues });
    }
  });

  router.get(paths.html, async (req, res) => {
    const send = (status: number, html: string): void => {
      res.status(status).set('Content-Security-Policy', RUNS_PAGE_CSP).type('html').send(html);
    };
    const answered = await answer(req, res, (err) => {
      send(400, renderRunsProblem(links, 'Bad query', err.message));
    });
    if (!answered) return;
    const { query, found } = answered;
    if (found.kind === 'not_found') {
      send(404, renderRunsProblem(links, 'Run not found', found.message));
    } else if (found.kind === 'run') {
      send(200, renderRunPage(links, found.queue, found.run));
    } else {
      send(200, renderRunsList(links, found.queues, query.state));
    }
  });
  return router;
}
