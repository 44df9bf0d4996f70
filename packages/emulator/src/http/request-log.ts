import { type IncomingMessage, type ServerResponse } from 'node:http';

/** One line per request; the path only, so presigned query strings never reach the log. */
export function logWhenDone(req: IncomingMessage, res: ServerResponse): void {
  const started = process.hrtime.bigint();
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  res.on('close', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const status = res.headersSent ? String(res.statusCode) : 'dropped';
    console.log(`${req.method ?? 'GET'} ${path} ${status} ${ms.toFixed(1)} ms`);
  });
}
