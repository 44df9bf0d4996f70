import { authenticate } from '../http/gateway';
import { countReply, replyError } from '../http/reply';
import { sendText } from '../http/respond';
import { type RouteHandler } from '../http/route-handler';

/** `GET /pie/psdService/hello`: Adobe's welcome text, behind the gateway like any API call. */
export const hello: RouteHandler = (context, { req, res }) => {
  req.resume();
  const auth = authenticate(context, req);
  if ('status' in auth) return replyError(context, res, 'hello', auth);
  countReply(context, 'hello', 200);
  sendText(res, 200, 'Welcome to the Photoshop API!');
};
