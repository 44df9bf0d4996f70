import { countReply, reply } from '../http/reply';
import { type RouteHandler } from '../http/route-handler';

/**
 * `GET /hosted/<token>`: files the emulator hosts (v2 hosted outputs, auto-crop images). No
 * gateway check: the unguessable token is the credential, as with a presigned URL.
 */
export const hostedFile: RouteHandler = (context, { req, res, tail }) => {
  req.resume();
  const file = context.jobs.hostedFiles.get(tail);
  if (file === undefined) return reply(context, res, 'hosted', 404, { error: 'not_found' });
  if (file === 'expired') return reply(context, res, 'hosted', 410, { error: 'expired' });
  countReply(context, 'hosted', 200);
  res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
  res.end(file.bytes);
};
