import { type IncomingMessage } from 'node:http';
import { type EmulatorContext } from '../emulator-context';
import { type ErrorReply, gatewayErrors } from './error-bodies';

/** The client a request was made for, once the gateway let it through. */
export interface Authenticated {
  clientId: string;
  /** The client's organization, when it was configured with one. */
  orgId?: string;
}

/**
 * The Adobe I/O gateway's check: a bearer token IMS issued, the API key of the same client, and
 * an `x-gw-ims-org-id`, when sent, naming that client's organization (checked only for clients
 * configured with one). A refusal is counted as unauthorized and comes back as the gateway's
 * 401 or 403 reply.
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
  const sentOrg = req.headers['x-gw-ims-org-id'];
  if (sentOrg !== undefined && token.orgId !== undefined && sentOrg !== token.orgId) {
    context.evidence.unauthorized();
    return gatewayErrors.orgMismatch();
  }
  return token.orgId === undefined
    ? { clientId: token.clientId }
    : { clientId: token.clientId, orgId: token.orgId };
}
