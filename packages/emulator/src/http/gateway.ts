import { type IncomingMessage } from 'node:http';
import { type EmulatorContext } from '../emulator-context';
import { type ErrorReply, gatewayErrors } from './error-bodies';

/** The client a request was made for, once the gateway let it through. */
export interface Authenticated {
  clientId: string;
}

/**
 * The Adobe I/O gateway's check: a bearer token IMS issued, and the API key of the same client.
 * A refusal is counted as unauthorized and comes back as the gateway's 401 or 403 reply.
 */
export function authenticate(
  context: EmulatorContext,
  req: IncomingMessage,
): Authenticated | ErrorReply {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  const token = match?.[1] ? context.tokens.verify(match[1].trim()) : undefined;
  if (!token) {
    context.evidence.unauthorized();
    return gatewayErrors.invalidToken();
  }
  if (req.headers['x-api-key'] !== token.clientId) {
    context.evidence.unauthorized();
    return gatewayErrors.invalidApiKey();
  }
  return { clientId: token.clientId };
}
