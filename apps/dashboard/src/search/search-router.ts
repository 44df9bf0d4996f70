import { redactValue } from '@darkroom/core';
import {
  EditSearchError,
  parseEditSearchParams,
  searchEdits,
  type EditSearchQuery,
} from '@darkroom/jobs';
import { type Queue } from 'bullmq';
import { Router, type Request, type Response } from 'express';
import { type Cluster, type Redis } from 'ioredis';
import {
  renderSearchPage,
  SEARCH_FIELDS,
  SEARCH_PAGE_CSP,
  type QueueMatches,
  type SearchForm,
} from './search-page';

export interface SearchRouterOptions {
  /** The dashboard's connection, borrowed and never closed here. */
  redis: Redis | Cluster;
  prefix: string;
  /** The edit queues searched (handles the dashboard owns and closes). */
  queues: readonly Queue[];
  /** Where the board is mounted, already normalised (`/` or `/path`). */
  basePath: string;
}

/** The search page's paths under `basePath`. */
export function searchPaths(basePath: string): { html: string; json: string; board: string } {
  const base = basePath === '/' ? '' : basePath;
  return { html: `${base}/search`, json: `${base}/search.json`, board: `${base}/` };
}

/** What the page was asked: the form, and the one queue a next page belongs to. */
interface SearchRequest {
  form: SearchForm;
  queue?: string;
  cursor?: string;
}

/** A query parameter given once, trimmed; empty form fields count as not given. */
function param(req: Request, field: string): string | undefined {
  const value: unknown = req.query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new EditSearchError(field, 'format', `${field} must be given once, as text`);
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function searchRequestOf(req: Request): SearchRequest {
  const form: SearchForm = {};
  for (const field of SEARCH_FIELDS) {
    const value = param(req, field);
    if (value !== undefined) form[field] = value;
  }
  const queue = param(req, 'queue');
  const cursor = param(req, 'cursor');
  return { form, ...(queue ? { queue } : {}), ...(cursor ? { cursor } : {}) };
}

/** The queues a request searches: every edit queue, or the one it names. */
function queuesFor(all: readonly Queue[], request: SearchRequest): readonly Queue[] {
  if (request.queue === undefined) {
    if (request.cursor !== undefined && all.length > 1) {
      throw new EditSearchError('cursor', 'requires_queue', 'cursor needs the queue it came from');
    }
    return all;
  }
  const named = all.filter((q) => q.name === request.queue);
  if (named.length === 0) {
    const names = all.map((q) => q.name).join(', ');
    throw new EditSearchError('queue', 'enum', `queue must be one of: ${names}`);
  }
  return named;
}

/**
 * `GET <basePath>/search` (an HTML form and its results) and `GET <basePath>/search.json`: edits
 * by tenant, by the id of an Adobe job one of them submitted, and by state, newest first, in
 * every edit queue; each result links to its page in Bull Board. Reads go through
 * `searchEdits` of `@darkroom/jobs`, a bounded scan per page. Mounted after the credential
 * check, so any role may search.
 */
export function searchRouter(options: SearchRouterOptions): Router {
  const paths = searchPaths(options.basePath);
  const links = { page: paths.html, json: paths.json, board: paths.board };
  const router = Router();

  const run = async (request: SearchRequest): Promise<QueueMatches[]> => {
    const query: EditSearchQuery = parseEditSearchParams({
      ...request.form,
      ...(request.cursor ? { cursor: request.cursor } : {}),
    });
    const queues = queuesFor(options.queues, request);
    return Promise.all(
      queues.map(async (queue) => {
        const target = {
          queue,
          redis: options.redis,
          prefix: options.prefix,
          queueName: queue.name,
        };
        const page = await searchEdits(target, query);
        return { queue: queue.name, ...page };
      }),
    );
  };

  /** The matches, or the reply already sent: 400 naming the field and rule, 503 without Redis. */
  const answer = async (
    req: Request,
    res: Response,
    invalid: (err: EditSearchError, form: SearchForm) => void,
  ): Promise<{ form: SearchForm; matches: QueueMatches[] } | undefined> => {
    res.set('Cache-Control', 'no-store');
    let form: SearchForm = {};
    try {
      const request = searchRequestOf(req);
      form = request.form;
      return { form, matches: await run(request) };
    } catch (err) {
      if (err instanceof EditSearchError) {
        invalid(err, form);
        return undefined;
      }
      // Redis's own error text stays out of the reply, as on the tenants page.
      res.status(503).json({ error: 'unavailable', message: 'edits could not be read from Redis' });
      return undefined;
    }
  };

  router.get(paths.json, async (req, res) => {
    const found = await answer(req, res, (err) => {
      res
        .status(400)
        .json({ error: 'invalid_query', field: err.field, rule: err.rule, message: err.message });
    });
    if (found) res.json(redactValue({ queues: found.matches }));
  });
  router.get(paths.html, async (req, res) => {
    const page = (status: number, html: string): void => {
      res.status(status).set('Content-Security-Policy', SEARCH_PAGE_CSP).type('html').send(html);
    };
    const found = await answer(req, res, (err, form) => {
      page(400, renderSearchPage(links, form, { error: err.message }));
    });
    if (found) {
      const matches = redactValue(found.matches) as QueueMatches[];
      page(200, renderSearchPage(links, found.form, { matches }));
    }
  });
  return router;
}
