import { randomBytes } from 'node:crypto';
import { type EmulatorClient } from '../config/options';

export interface IssuedToken {
  accessToken: string;
  clientId: string;
  /** The client's organization, when it was configured with one. */
  orgId?: string;
  expiresAt: number;
}

export type IssueResult =
  { ok: true; token: IssuedToken; expiresIn: number } | { ok: false; error: 'invalid_client' };

/** IMS's side: checks client credentials and remembers the opaque tokens it issued. */
export class TokenStore {
  private readonly clients = new Map<string, EmulatorClient>();
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    clients: readonly EmulatorClient[],
    private readonly lifetimeSeconds: number,
  ) {
    for (const c of clients) this.clients.set(c.clientId, c);
  }

  issue(clientId: string, clientSecret: string, now = Date.now()): IssueResult {
    const client = this.clients.get(clientId);
    if (client === undefined || client.clientSecret !== clientSecret) {
      return { ok: false, error: 'invalid_client' };
    }
    const token: IssuedToken = {
      accessToken: `emu-${randomBytes(24).toString('base64url')}`,
      clientId,
      expiresAt: now + this.lifetimeSeconds * 1000,
    };
    if (client.orgId !== undefined) token.orgId = client.orgId;
    this.tokens.set(token.accessToken, token);
    return { ok: true, token, expiresIn: this.lifetimeSeconds };
  }

  /** The token if it was issued here and has not expired. */
  verify(accessToken: string, now = Date.now()): IssuedToken | undefined {
    const token = this.tokens.get(accessToken);
    if (!token) return undefined;
    if (token.expiresAt <= now) {
      this.tokens.delete(accessToken);
      return undefined;
    }
    return token;
  }

  /** Forgets tokens so a test can prove the 401 path; returns how many were revoked. */
  revokeAll(): number {
    const n = this.tokens.size;
    this.tokens.clear();
    return n;
  }
}
