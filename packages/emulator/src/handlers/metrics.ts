import { sendText } from '../http/respond';
import { type RouteHandler } from '../http/route-handler';

/** `GET /metrics`: the Prometheus exposition of the emulator's own registry. */
export const metricsText: RouteHandler = async (context, { res }) => {
  const { registry } = context.metrics;
  const text = await registry.metrics();
  sendText(res, 200, text, registry.contentType);
};
