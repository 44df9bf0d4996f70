import { type IncomingMessage } from 'node:http';

/** Links point where the client reached the emulator (its Host header), else the bound address. */
export function requestOrigin(req: IncomingMessage, boundOrigin: string): string {
  const host = req.headers.host;
  return host ? `http://${host}` : boundOrigin;
}
