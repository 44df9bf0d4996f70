import { type IncomingMessage, type ServerResponse } from 'node:http';
import { coerceError, urlOriginAndPath } from '@darkroom/core';
import { z } from 'zod';
import { webhookUrlsOf } from '../config/options';
import { type EmulatorContext, resetStats } from '../emulator-context';
import { faultConfigSchema } from '../faults/fault-config';
import { reply } from '../http/reply';
import { readBody } from '../http/respond';
import { type RouteHandler } from '../http/route-handler';
import { summarizeJobs } from '../jobs/job-summary';

const ROUTE = 'admin';
const MAX_FAULTS_BYTES = 64 * 1024;

/** `POST /admin/faults`: replaces the fault set with a body the fault schema accepts. */
async function setFaults(
  context: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const raw = await readBody(req, MAX_FAULTS_BYTES);
  let body: unknown;
  try {
    body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    return reply(context, res, ROUTE, 400, { error: 'invalid_json', message: 'body must be JSON' });
  }
  const parsed = faultConfigSchema.safeParse(body);
  if (!parsed.success) {
    return reply(context, res, ROUTE, 400, {
      error: 'invalid_faults',
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  context.faults.set(parsed.data);
  return reply(context, res, ROUTE, 200, { faults: parsed.data });
}

/** The body of `POST /admin/events/webhook`: one URL, several, or none (`null`, `[]`). */
const webhookBodySchema = z.strictObject({
  webhookUrl: z.union([z.url(), z.array(z.url()), z.null()]),
});

/** `POST /admin/events/webhook`: replaces the Adobe I/O Events webhooks. */
async function setWebhooks(
  context: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const raw = await readBody(req, MAX_FAULTS_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return reply(context, res, ROUTE, 400, { error: 'invalid_json', message: 'body must be JSON' });
  }
  const parsed = webhookBodySchema.safeParse(body);
  let urls: string[] | undefined;
  let problem: { path: PropertyKey[]; message: string }[] | undefined = parsed.success
    ? undefined
    : parsed.error.issues;
  if (parsed.success) {
    try {
      urls = webhookUrlsOf(parsed.data.webhookUrl ?? undefined);
    } catch (err) {
      problem = [{ path: ['webhookUrl'], message: coerceError(err).message }];
    }
  }
  if (problem || !urls) {
    return reply(context, res, ROUTE, 400, {
      error: 'invalid_webhook',
      issues: (problem ?? []).map((i) => ({
        path: i.path.map(String).join('.'),
        message: i.message,
      })),
    });
  }
  context.events.webhooks.setWebhooks(urls);
  return reply(context, res, ROUTE, 200, { webhookUrls: urls.map((u) => urlOriginAndPath(u)) });
}

/**
 * `/admin/*`: the test and operator surface (jobs, evidence counters, faults, reset, token
 * revocation). It has no gateway check: the emulator is a local tool.
 */
export const admin: RouteHandler = async (context, { req, res, method, path }) => {
  if (method === 'GET' && path === '/admin/jobs')
    return reply(context, res, ROUTE, 200, { jobs: summarizeJobs(context.jobs) });
  if (method === 'GET' && path === '/admin/stats')
    return reply(context, res, ROUTE, 200, context.evidence.snapshot());
  if (method === 'GET' && path === '/admin/faults')
    return reply(context, res, ROUTE, 200, { faults: context.faults.current() });
  if (method === 'POST' && path === '/admin/faults') return setFaults(context, req, res);
  if (method === 'POST' && path === '/admin/events/webhook') return setWebhooks(context, req, res);
  if (method === 'GET' && path === '/admin/events/webhook') {
    const urls = context.events.webhooks.urls().map((u) => urlOriginAndPath(u));
    return reply(context, res, ROUTE, 200, { webhookUrls: urls });
  }
  if (method === 'POST' && path === '/admin/reset') {
    req.resume();
    resetStats(context);
    return reply(context, res, ROUTE, 200, { reset: true });
  }
  if (method === 'POST' && path === '/admin/revoke-tokens') {
    req.resume();
    return reply(context, res, ROUTE, 200, { revoked: context.tokens.revokeAll() });
  }
  req.resume();
  reply(context, res, ROUTE, 404, {
    error: 'not_found',
    message: `no admin route ${method} ${path}`,
  });
};
