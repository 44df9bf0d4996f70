import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type RateLimitClass } from '@darkroom/photoshop';
import { type EmulatorContext } from '../emulator-context';
import { type RequestKind } from '../faults/fault-injector';
import { type ApiGeneration, serverError, tooManyRequests } from '../http/error-bodies';
import { replyError } from '../http/reply';

/** An authenticated API call about to be charged and exposed to faults. */
export interface GatedCall {
  req: IncomingMessage;
  res: ServerResponse;
  kind: RequestKind;
  budget: RateLimitClass;
  clientId: string;
  /** The client's organization, whose budget the call is charged to. */
  orgId?: string;
  route: string;
  generation: ApiGeneration;
}

/**
 * Rate limit, then injected faults (latency first, then drop, 5xx or throttle). Returns how the
 * request was answered (`throttled` for a 429, `answered` for any other fault) when it must not
 * be handled further, or false.
 */
export async function passGate(
  context: EmulatorContext,
  call: GatedCall,
): Promise<false | 'throttled' | 'answered'> {
  const { req, res, kind, budget, clientId, route, generation } = call;
  const { evidence, metrics, budgets } = context;
  const stats = evidence.client(clientId);
  const retryAfterMs = budgets.take(budget, call);
  if (retryAfterMs !== undefined) {
    stats.throttled += 1;
    metrics.throttled.inc({ budget });
    const refusal = tooManyRequests(generation, retryAfterMs, budgets.fractionalRetryAfter);
    replyError(context, res, route, refusal);
    return 'throttled';
  }
  const fault = context.faults.forRequest(kind);
  if (fault.latencyMs > 0) {
    evidence.fault(clientId, 'latency');
    metrics.faults.inc({ kind: 'latency' });
    await context.delays.sleep(fault.latencyMs);
  }
  switch (fault.kind) {
    case 'none':
      return false;
    case 'drop':
      evidence.fault(clientId, 'drop');
      metrics.faults.inc({ kind: 'drop' });
      req.socket.destroy();
      return 'answered';
    case 'error':
      evidence.fault(clientId, `error${fault.status}`);
      metrics.faults.inc({ kind: `error${fault.status}` });
      replyError(context, res, route, serverError(generation, fault.status));
      return 'answered';
    case 'throttle': {
      stats.throttled += 1;
      evidence.fault(clientId, 'throttle');
      metrics.faults.inc({ kind: 'throttle' });
      metrics.throttled.inc({ budget: 'injected' });
      const retryAfter = fault.retryAfterMs;
      replyError(
        context,
        res,
        route,
        tooManyRequests(generation, retryAfter, budgets.fractionalRetryAfter),
      );
      return 'throttled';
    }
  }
}
