import { handleImsToken } from '../auth/ims-handler';
import { reply } from '../http/reply';
import { readBody } from '../http/respond';
import { type RouteHandler } from '../http/route-handler';

const MAX_FORM_BYTES = 64 * 1024;

/**
 * `POST /ims/token/v3`: the form fields come from the body; the query string fills in any the
 * body leaves out, as IMS accepts both.
 */
export const imsToken: RouteHandler = async (context, { req, res, rawUrl }) => {
  const raw = await readBody(req, MAX_FORM_BYTES);
  const form = new URLSearchParams(raw.toString('utf8'));
  const q = rawUrl.indexOf('?');
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(rawUrl.slice(q + 1))) if (!form.has(k)) form.set(k, v);
  }
  const answer = handleImsToken(context.tokens, form);
  reply(context, res, 'ims', answer.status, answer.body);
};
