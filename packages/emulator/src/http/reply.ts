import { type ServerResponse } from 'node:http';
import { type EmulatorContext } from '../emulator-context';
import { type ErrorReply } from './error-bodies';
import { sendJson } from './respond';

/** Counts one answer on a route by status class (`2xx`, `4xx`…), for the emulator's metrics. */
export function countReply(context: EmulatorContext, route: string, status: number): void {
  context.metrics.requests.inc({ route, status_class: `${Math.floor(status / 100)}xx` });
}

/** Answers with a JSON body and counts the answer. */
export function reply(
  context: EmulatorContext,
  res: ServerResponse,
  route: string,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  countReply(context, route, status);
  sendJson(res, status, body, headers);
}

/** Answers with one of Adobe's error replies (status, body, headers) and counts the answer. */
export function replyError(
  context: EmulatorContext,
  res: ServerResponse,
  route: string,
  error: ErrorReply,
): void {
  reply(context, res, route, error.status, error.body, error.headers);
}
