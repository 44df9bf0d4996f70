import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type EmulatorContext } from '../emulator-context';

/** One request as the route table hands it to a handler. */
export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** The path without its query string. */
  path: string;
  /** The request target as sent, query string included. */
  rawUrl: string;
  /** For a prefix pattern (`/v2/status/*`), what follows the prefix; otherwise empty. */
  tail: string;
}

/** Answers one request; a rejection becomes a 500 in the API generation's shape. */
export type RouteHandler = (
  context: EmulatorContext,
  request: RouteRequest,
) => Promise<void> | void;
