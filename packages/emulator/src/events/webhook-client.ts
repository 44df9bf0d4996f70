import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EmulatorError } from '../emulator-error';
import { type TransferAgents } from '../jobs/transfer';

/** The most of a webhook's answer that is read (a challenge echo is short). */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface WebhookCall {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  signal: AbortSignal;
  agents: TransferAgents;
}

/** A webhook that did not answer in time. */
export class WebhookTimeoutError extends EmulatorError {}

/**
 * One HTTP exchange with a webhook: its status and (the start of) its body as text. Redirects
 * are not followed. Rejects on a timeout, a reset or an abort.
 */
export function callWebhook(
  url: string,
  call: WebhookCall,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const headers = call.body
      ? { ...call.headers, 'content-length': String(call.body.length) }
      : call.headers;
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: call.method,
        agent: secure ? call.agents.https : call.agents.http,
        signal: call.signal,
        timeout: call.timeoutMs,
        headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    // The deadline covers the whole exchange, not only socket idleness.
    const deadline = setTimeout(
      () => req.destroy(new WebhookTimeoutError(`no answer within ${call.timeoutMs} ms`)),
      call.timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () =>
      req.destroy(new WebhookTimeoutError(`no answer within ${call.timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(call.body);
  });
}
